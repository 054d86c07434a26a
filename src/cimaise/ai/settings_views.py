"""The AI model settings page's "Test the connection" action.

The button sits inside the settings form (``templates/ai/settings/connection_panel.html``,
shown by the settings' help panel) and posts that form here: the values as
typed are tested with one tiny real call (``gateway.test_connection``, recorded
in the ledger) *without being saved*, so a person can try a provider before
switching the whole site to it. The settings page is then shown again with
what they typed and a one-line message saying whether it works; nothing typed
is lost. Only those who may change the AI model settings can test them.
"""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.contrib.settings.views import EditView

from cimaise.ai import gateway
from cimaise.ai.lab_views import forbidden

APP_NAME, MODEL_NAME = "ai", "aimodelsettings"


class ConnectionTestView(EditView):
    """Wagtail's settings edit view, except that a valid form is tested instead of saved."""

    def setup(self, request, site_pk, *args, **kwargs):
        self.denied = not request.user.has_perm("ai.change_aimodelsettings")
        if self.denied:
            self.request = request
            return
        # Wagtail's view then checks the permission for this very site.
        super().setup(request, APP_NAME, MODEL_NAME, pk=site_pk)

    def dispatch(self, request, *args, **kwargs):
        if self.denied:
            return forbidden(request, _("You do not have permission to change or test the AI model settings."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.get_edit_url())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.form = form
        if form.is_valid():
            config = form.save(commit=False)  # the typed values, not saved
            ok, line = gateway.test_connection(config, request.user)
            (messages.success if ok else messages.error)(request, line)
            if form.has_changed():
                messages.warning(request, _("These settings were tested as typed; they are not saved yet."))
        else:
            messages.error(request, _("The settings have errors: correct them, then test again."))
        return self.render_to_response(self.get_context_data(form=form))


connection_test = ConnectionTestView.as_view()
