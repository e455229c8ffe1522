"""Issue 16: the survey's graded questions and the campaign's words moved from the code
(surveys/definitions/questions.toml, the catalogue) into the template. Campaigns started
from the 先进性 template before keep them: their stored snapshot gains the same questions,
grades and texts the shipped template now carries. Their thresholds are left as stored
(`min_concentrated_days` is still read)."""

from django.db import migrations

TEMPLATE_CODE = "xianjinxing-2024"

TEXTS = {
    "tagline": "党组织先进性教育活动管理",
    "public_intro": "先进性教育活动的进展在此公布，欢迎提出意见、监督我们的工作。",
    "survey_question": "总体而言，您对该单位开展先进性教育活动的满意程度如何？",
}
QUESTIONS = [
    {"code": "problems_solved", "title": "群众反映强烈的突出问题解决得如何", "notice_ref": "二"},
    {"code": "members_example", "title": "党员发挥先锋模范作用的情况", "notice_ref": "二.1"},
    {"code": "conduct", "title": "师德师风、行风和廉洁自律的情况", "notice_ref": "五.2(2)"},
    {"code": "service", "title": "服务群众、办事效率的情况", "notice_ref": "二.3"},
]
GRADES = [
    {"code": "good", "title": "好"},
    {"code": "fair", "title": "较好"},
    {"code": "average", "title": "一般"},
    {"code": "poor", "title": "差"},
    {"code": "unknown", "title": "不了解"},
]


def add_words(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign in Campaign.objects.filter(template_code=TEMPLATE_CODE):
        data = campaign.template_data
        satisfaction = data.setdefault("satisfaction", {})
        changed = False
        if not satisfaction.get("questions"):
            satisfaction["questions"] = QUESTIONS
            satisfaction["grades"] = GRADES
            changed = True
        if "texts" not in data:
            data["texts"] = TEXTS
            changed = True
        if changed:
            Campaign.objects.filter(pk=campaign.pk).update(template_data=data)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_campaign_history_protected")]

    operations = [migrations.RunPython(add_words, migrations.RunPython.noop)]
