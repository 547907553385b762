"""The demo's discussion (issue 22): questions and accepted answers in inst-a's standard retail cohort.

Trainees 1–4 of that cohort (courses.demo) and its teacher 陳志明 (teacher@inst-a.demo.test) talk about
BCM-101 and BCM-103; trainee04 (張家豪) reads English and writes in English. Loaded once: a cohort whose
discussion has posts is left as it is.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from courses.models import Cohort, Course

from . import services
from .models import Post

COHORT = "INST-A-STANDARD-RETAIL"
TEACHER = "teacher@inst-a.demo.test"

# (course, asker, question, [(answerer, answer, accepted)], pinned); people by their demo e-mail.
DISCUSSION = [
    (
        "BCM-101", "trainee01@demo.test",
        "請問老師：客戶經理在開發新客戶時，「了解你的客戶」（KYC）和風險屬性評估有什麼不同？"
        "兩者都要在開戶時做嗎？",
        [
            ("trainee02@demo.test",
             "我的理解是 KYC 是確認客戶身分和資金來源，"
             "風險屬性評估是看客戶能承受多少投資風險。", False),
            (TEACHER,
             "兩位說得都對，補充重點：\n\n"
             "1. **KYC（認識客戶）**：開戶時必做，確認身分、職業、資金來源，"
             "屬於洗錢防制的要求，之後依風險等級定期更新。\n"
             "2. **風險屬性評估（KYP/適合度）**：客戶要買投資型商品前才需要，"
             "結果決定可推介的商品風險等級，原則上每年重新評估。\n\n"
             "考試常考兩者的目的與時點，請對照教材第三章。", True),
        ],
        True,
    ),
    (
        "BCM-101", "trainee04@demo.test",
        "How often should a relationship manager review a customer's risk profile? "
        "Is it every year, or only when the customer buys a new product?",
        [
            (TEACHER,
             "Both, in practice: review it **at least once a year**, and again whenever the customer's "
             "circumstances change (income, age bracket, investment goals) or before recommending a product "
             "with a higher risk grade than their last profile allows.", True),
            ("trainee03@demo.test", "我們分行是每年寄通知請客戶回來更新，供參考。", False),
        ],
        False,
    ),
    (
        "BCM-103", "trainee03@demo.test",
        "上課提到的「客戶分群」，在實務上分行通常用哪些指標？只看資產規模夠嗎？",
        [
            ("trainee01@demo.test", "我們會再看往來產品數和年齡層，例如退休族群和年輕上班族的需求差很多。", False),
            (TEACHER,
             "只看資產規模不夠。常見的分群指標：\n\n"
             "- 資產與負債規模（AUM、貸款）\n- 往來產品數與貢獻度\n- 生命週期階段（年齡、家庭）\n"
             "- 通路偏好（臨櫃、網銀、行動銀行）\n\n"
             "分群的目的是決定服務方式與產品組合，下週的個案討論會用到。", True),
        ],
        False,
    ),
    (
        "BCM-103", "trainee02@demo.test",
        "請問電話行銷時，如果客戶說「再考慮看看」，依規定多久之後才能再聯絡？",
        [],
        False,
    ),
]  # fmt: skip


@transaction.atomic
def load() -> None:
    cohort = Cohort.objects.filter(code=COHORT).first()
    if cohort is None or Post.objects.filter(thread__cohort=cohort).exists():
        return
    people = {u.email: u for u in User.objects.filter(email__in=_emails())}
    courses = {c.code: c for c in Course.objects.filter(code__in={row[0] for row in DISCUSSION})}
    for code, asker, question_text, answers, pinned in DISCUSSION:
        if asker not in people or code not in courses:
            continue
        question = services.do_post(by=people[asker], cohort=cohort, course=courses[code], body=question_text)
        for answerer, answer_text, accepted in answers:
            if answerer not in people:
                continue
            answer = services.do_post(
                by=people[answerer], cohort=cohort, course=courses[code], body=answer_text, parent=question
            )
            if accepted and TEACHER in people:
                services.do_accept(by=people[TEACHER], answer=answer)
        if pinned and TEACHER in people:
            services.do_pin(by=people[TEACHER], question=question)


def _emails() -> set[str]:
    found = {TEACHER}
    for _code, asker, _text, answers, _pinned in DISCUSSION:
        found.add(asker)
        found.update(answerer for answerer, _answer, _accepted in answers)
    return found
