from django.apps import AppConfig


class AssemblyConfig(AppConfig):
    name = "urbis.assembly"
    label = "assembly"
    verbose_name = "Assembly"
