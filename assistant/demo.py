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
        dict(reference="CN-2026-0004", borrower_name="王小红", phone="+86 135 2468 1357",
             address="四川省成都市武侯区人民南路 4 段 12 号", region="四川成都", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范消费金融有限公司",
             product="分期购物贷", currency="CNY", principal=Decimal("8800.00"),
             balance=Decimal("9420.30"), days_past_due=27, due_date=today - timedelta(days=27),
             collector="collector", cease_contact=True,
             facts={"cease_contact_requested_on": str(today - timedelta(days=5)),
                    "cease_contact_channel": "书面信函"}),
        dict(reference="CN-2026-0005", borrower_name="赵志强", phone="+86 186 0000 2233",
             address="江苏省南京市鼓楼区中山北路 30 号", region="江苏南京", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范农村商业银行",
             product="经营贷", currency="CNY", principal=Decimal("150000.00"),
             balance=Decimal("163880.00"), days_past_due=210, due_date=today - timedelta(days=210),
             collector="collector", has_lawyer=True,
             facts={"lawyer": "江苏某律师事务所 孙律师", "lawyer_phone": "+86 25 8000 0000"}),
        dict(reference="CN-2026-0006", borrower_name="黄丽", phone="+86 158 6666 7777",
             address="湖北省武汉市洪山区珞喻路 66 号", region="湖北武汉", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范农村信用合作社",
             product="助学贷款", currency="CNY", principal=Decimal("20000.00"),
             balance=Decimal("20450.00"), days_past_due=12, due_date=today - timedelta(days=12),
             collector="collector", prefers_written=True, facts={"reason_for_arrears": "刚失业"}),
        dict(reference="CN-2026-0007", borrower_name="周建华", phone="+86 133 1111 2222",
             address="山东省临沂市兰陵县某镇某村", region="山东临沂", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范农村信用合作社",
             product="农户小额贷款", currency="CNY", principal=Decimal("50000.00"),
             balance=Decimal("52800.00"), days_past_due=95, due_date=today - timedelta(days=95),
             collector="collector2", has_lawyer=True, facts={"lawyer": "临沂某律师事务所"}),
        dict(reference="CN-2026-0008", borrower_name="吴静", phone="+86 136 9999 0000",
             address="福建省厦门市思明区厦禾路 88 号", region="福建厦门", jurisdiction="cn",
             language="zh", timezone="Asia/Shanghai", lender="示范消费金融有限公司",
             product="消费贷", currency="CNY", principal=Decimal("6000.00"),
             balance=Decimal("6310.00"), days_past_due=58, due_date=today - timedelta(days=58),
             collector="collector2", cease_contact=True, facts={}),
        dict(reference="US-2026-0002", borrower_name="Maria Gonzalez", phone="+1 212 555 0187",
             address="350 W 42nd St, New York, NY", region="New York", jurisdiction="us",
             language="en", timezone="America/New_York", lender="Example Card Services",
             product="credit card", currency="USD", principal=Decimal("2500.00"),
             balance=Decimal("2890.75"), days_past_due=150, due_date=today - timedelta(days=150),
             collector="collector_en", has_lawyer=True,
             facts={"lawyer": "Reyes & Park LLP, +1 212 555 0100"}),
        dict(reference="US-2026-0003", borrower_name="Robert Chen", phone="+1 312 555 0142",
             address="233 S Wacker Dr, Chicago, IL", region="Illinois", jurisdiction="us",
             language="en", timezone="America/Chicago", lender="Example Auto Finance",
             product="auto loan", currency="USD", principal=Decimal("18000.00"),
             balance=Decimal("16240.00"), days_past_due=41, due_date=today - timedelta(days=41),
             collector="collector_en", cease_contact=True,
             facts={"cease_contact_requested_on": str(today - timedelta(days=9))}),
        dict(reference="UK-2026-0002", borrower_name="Oliver Bennett", phone="+44 161 496 0742",
             address="8 Deansgate, Manchester", region="Greater Manchester", jurisdiction="uk",
             language="en", timezone="Europe/London", lender="Example Finance UK",
             product="credit card", currency="GBP", principal=Decimal("3100.00"),
             balance=Decimal("3344.10"), days_past_due=73, due_date=today - timedelta(days=73),
             collector="collector_en", prefers_written=True,
             facts={"vulnerability": "recent bereavement"}),
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
