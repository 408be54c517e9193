"""Demo content for `make run`: one user per role and a few cases in each language."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from assistant import users
from assistant.models import Case, Role, User

DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERS = [
    ("collector", "Li Ming 李明", Role.collector, "zh_CN", "华东一组"),
    ("collector2", "Wang Fang 王芳", Role.collector, "zh_CN", "华东一组"),
    ("collector_en", "Sam Carter", Role.collector, "en", "US Team"),
    ("trainer", "Zhao Lei 赵磊", Role.trainer, "zh_CN", None),
    ("qa", "Chen Jing 陈静", Role.qa, "zh_CN", None),
    ("admin", "Admin 管理员", Role.admin, "en", None),
]


def _cases(today: date) -> list[dict]:
    return [
        dict(reference="CN-2026-0001", borrower_name="张伟", phone="+86 138 0013 8000",
             address="浙江省杭州市西湖区文三路 100 号", region="浙江杭州", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范农村商业银行",
             product="信用卡", currency="CNY", principal=Decimal("48000.00"),
             balance=Decimal("52360.50"), days_past_due=64, due_date=today - timedelta(days=64),
             collector="collector", facts={"reason_for_arrears": "经营困难"}),
        dict(reference="CN-2026-0002", borrower_name="刘秀英", phone="+86 139 1234 5678",
             address="河南省周口市商水县某村三组", region="河南周口", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范农村信用合作社",
             product="农户小额贷款", currency="CNY", principal=Decimal("30000.00"),
             balance=Decimal("31850.00"), days_past_due=120, due_date=today - timedelta(days=120),
             collector="collector", facts={"reason_for_arrears": "今年小麦受灾减产"}),
        dict(reference="CN-2026-0003", borrower_name="陈建国", phone="+86 137 0000 1111",
             address="广东省广州市天河区体育西路 8 号", region="广东广州", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范消费金融有限公司",
             product="消费贷", currency="CNY", principal=Decimal("12000.00"),
             balance=Decimal("12940.00"), days_past_due=35, due_date=today - timedelta(days=35),
             collector="collector2", facts={}),
        dict(reference="US-2026-0001", borrower_name="Jordan Miller", phone="+1 415 555 0134",
             address="1200 Market St, San Francisco, CA", region="California", jurisdiction="us",
             language="en", timezone="America/Los_Angeles", lender="Example Card Services",
             product="credit card", currency="USD", principal=Decimal("4200.00"),
             balance=Decimal("4675.20"), days_past_due=92, due_date=today - timedelta(days=92),
             collector="collector_en", facts={}),
        dict(reference="UK-2026-0001", borrower_name="Amelia Hughes", phone="+44 20 7946 0018",
             address="22 Station Road, Leeds", region="West Yorkshire", jurisdiction="uk",
             language="en", timezone="Europe/London", lender="Example Finance UK",
             product="personal loan", currency="GBP", principal=Decimal("6500.00"),
             balance=Decimal("6120.00"), days_past_due=48, due_date=today - timedelta(days=48),
             collector="collector_en", facts={}),
    ]


def load(db: Session, today: date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo users and cases if missing; return (username, password, role) rows."""
    logins = []
    for username, display, role, locale, team in DEMO_USERS:
        if db.exec(select(User).where(User.username == username)).first() is None:
            users.create_user(db, username, DEMO_PASSWORD, role, display_name=display,
                              locale=locale, team=team)
        logins.append((username, DEMO_PASSWORD, role.value))
    db.flush()
    for row in _cases(today or date.today()):
        row = dict(row)
        collector = users.get_by_username(db, row.pop("collector"))
        if db.exec(select(Case).where(Case.reference == row["reference"])).first() is None:
            db.add(Case(**row, assigned_collector_id=collector.id))
    db.commit()
    return logins
