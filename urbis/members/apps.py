from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "urbis.members"
    label = "members"
    verbose_name = "Members"
