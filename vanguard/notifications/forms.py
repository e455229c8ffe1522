from django import forms
from django.utils.translation import gettext_lazy as _

from vanguard.forms import StyledModelForm
from vanguard.notifications.channels import webhook_allowed
from vanguard.notifications.models import GroupRobot, Preferences


class PreferencesForm(StyledModelForm):
    class Meta:
        model = Preferences
        fields = ["phone", "wecom_userid", "dingtalk_userid", "quiet_from", "quiet_until"]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            raise forms.ValidationError(_("Enter an 11-digit mainland mobile number."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("quiet_from")) != bool(cleaned.get("quiet_until")):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        return cleaned


class GroupRobotForm(StyledModelForm):
    webhook = forms.URLField(
        label=GroupRobot._meta.get_field("webhook").verbose_name,
        max_length=500,
        assume_scheme="https",
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    class Meta:
        model = GroupRobot
        fields = ["organization", "channel", "webhook", "secret"]

    def clean_webhook(self):
        webhook = self.cleaned_data["webhook"]
        if not webhook_allowed(webhook):
            raise forms.ValidationError(
                _("Paste the webhook address WeCom or DingTalk gave for the group robot.")
            )
        return webhook
