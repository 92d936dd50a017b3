from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "urbis.api"
    label = "api"
    verbose_name = "API"
