"""The member card's public page (its address carries the card's secret)."""

from django.urls import path

from cimaise.audience.loyalty import views

app_name = "loyalty"
urlpatterns = [path("<str:secret>/", views.card, name="card")]
