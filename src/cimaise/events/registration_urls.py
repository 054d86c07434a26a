"""Public URLs of the events app: registration (register, the registration's page, cancel, offers)."""

from django.urls import path

from cimaise.events import registration_views as views

urlpatterns = [
    path("register/<uuid:session_uid>/", views.register, name="register"),
    path("r/<str:secret>/", views.registration_detail, name="manage"),
    path("r/<str:secret>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("r/<str:secret>/accept/", views.offer_accept, name="offer_accept"),
    path("r/<str:secret>/decline/", views.offer_decline, name="offer_decline"),
]
