"""Every operation that changes the events app's data, with its transaction and locking, by concern:

- ``registrations``: register, cancel, the waiting list and its offers (invariant 4 lives here);
- ``sessions``: create, change and cancel sessions, close registration;
- ``checkin``: check a ticket in at the door;
- ``reminders``: the reminders before each session, sent once.

Views, tasks and commands call these and never write the models themselves.
"""
