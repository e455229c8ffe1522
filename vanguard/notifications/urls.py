from django.urls import path

from vanguard.notifications import views

urlpatterns = [
    path("", views.inbox, name="notifications"),
    path("<int:pk>/open/", views.open_notification, name="notification-open"),
    path("read-all/", views.read_all, name="notifications-read-all"),
    path("preferences/", views.preferences, name="notification-preferences"),
    path("log/", views.delivery_log, name="notification-log"),
    path("log/<int:pk>/retry/", views.retry_delivery, name="notification-retry"),
    path("robots/", views.robots, name="notification-robots"),
    path("robots/<int:pk>/toggle/", views.toggle_robot, name="notification-robot-toggle"),
]
