app_name = "registration"
urlpatterns: list = []
