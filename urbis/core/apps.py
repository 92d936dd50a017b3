from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "urbis.core"
    label = "core"
    verbose_name = "Core"
