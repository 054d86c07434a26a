"""Forms of the creative lab. They only read and check what the person typed; ``cimaise.ai.lab`` acts on it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cimaise.ai import lab


class CreativityField(forms.FloatField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Creativity (temperature)"))
        kwargs.setdefault("help_text", _("From 0 (steady, repeatable) to 1.5 (surprising, sometimes odd)."))
        super().__init__(min_value=lab.MIN_TEMPERATURE, max_value=lab.MAX_TEMPERATURE, **kwargs)
        self.widget = forms.NumberInput(attrs={"step": "0.1", "min": lab.MIN_TEMPERATURE,
                                               "max": lab.MAX_TEMPERATURE})


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Optional: the first line of the brief otherwise."))
    brief = forms.CharField(
        label=_("Brief"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you are looking for, for whom, with which constraints. Only the first 700 characters "
                    "reach the model."),
    )
    temperature = CreativityField(initial=0.9)


class TurnForm(forms.Form):
    """One turn of the dialogue: a mode and what it needs."""

    mode = forms.ChoiceField(label=_("What to ask"), choices=lab.MODES, initial=lab.DIVERGE,
                             widget=forms.RadioSelect)
    count = forms.IntegerField(label=_("Number of ideas"), min_value=lab.MIN_IDEAS, max_value=lab.MAX_IDEAS,
                               initial=lab.DEFAULT_IDEAS, required=False,
                               help_text=_("For “diverge” and “what if”."))
    first = forms.ModelChoiceField(label=_("First idea"), queryset=None, required=False,
                                   help_text=_("For “combine”: an idea of the board."))
    second = forms.ModelChoiceField(label=_("Second idea"), queryset=None, required=False,
                                    help_text=_("For “combine”: another idea of the board."))
    idea = forms.ModelChoiceField(label=_("Idea to critique"), queryset=None, required=False,
                                  empty_label=_("The latest answer"),
                                  help_text=_("For “critique”: an idea of the board, or the latest answer."))
    text = forms.CharField(
        label=_("Your words"), max_length=lab.TEXT_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A direction for “diverge”, the constraint for “what if” (e.g. the visit lasts five "
                    "minutes), a focus for “critique”."),
    )
    temperature = CreativityField()

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("temperature", session.temperature)
        super().__init__(*args, **kwargs)
        ideas = lab.board(session)
        for name in ("first", "second", "idea"):
            self.fields[name].queryset = ideas
            self.fields[name].label_from_instance = _idea_label

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == lab.COMBINE:
            if not data.get("first") or not data.get("second"):
                self.add_error("first" if not data.get("first") else "second",
                               _("Choose two ideas of the board to combine."))
            elif data["first"] == data["second"]:
                self.add_error("second", _("Choose two different ideas to combine."))
        if mode == lab.WHAT_IF and not (data.get("text") or "").strip():
            self.add_error("text", _("Write the constraint to explore, e.g. “the visit lasts five minutes”."))
        if mode in (lab.DIVERGE, lab.WHAT_IF) and data.get("count") is None and "count" not in self.errors:
            data["count"] = lab.DEFAULT_IDEAS
        return data


def _idea_label(idea):
    text = " ".join(idea.text.split())
    return f"{text[:90]}{'…' if len(text) > 90 else ''}"


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class OwnIdeaForm(forms.Form):
    text = forms.CharField(label=_("Your own idea"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
