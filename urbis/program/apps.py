from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "urbis.program"
    label = "program"
    verbose_name = "Programme"
