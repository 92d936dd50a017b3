from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "urbis.awards"
    label = "awards"
    verbose_name = "Awards"
