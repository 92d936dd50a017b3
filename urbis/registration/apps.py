from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "urbis.registration"
    label = "registration"
    verbose_name = "Registration"
