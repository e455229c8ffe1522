"""The background worker's tasks of notifications. Tasks take ids."""

from django_tasks import task

from vanguard.notifications import delivery
from vanguard.notifications.models import Delivery


@task()
def deliver(delivery_id: int) -> None:
    found = Delivery.objects.select_related("notification").filter(pk=delivery_id).first()
    if found is not None:
        delivery.attempt(found)
