"""URLs of notifications (namespace `notifications`): signed-in pages under /notifications/."""

from django.urls import include, path

from vanguard.notifications.views import centre

app_name = "notifications"

pages = [
    path("", centre.inbox, name="index"),
    path("<int:pk>/open/", centre.open_notification, name="open"),
    path("read-all/", centre.read_all, name="read-all"),
    path("preferences/", centre.preferences, name="preferences"),
    path("log/", centre.delivery_log, name="log"),
    path("log/<int:pk>/retry/", centre.retry_delivery, name="retry"),
    path("robots/", centre.robots, name="robots"),
    path("robots/<int:pk>/toggle/", centre.toggle_robot, name="robot-toggle"),
]

urlpatterns = [
    path("notifications/", include(pages)),
]
