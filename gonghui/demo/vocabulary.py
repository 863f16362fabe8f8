"""Words the demo data is made of: industries, platform brands, trade names."""

from __future__ import annotations

import functools

from faker import Faker

from gonghui.members.models import Occupation

INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "纺织服装": ("童装", "服饰", "纺织", "丝绸", "织造", "制衣", "针织"),
    "金属制品": ("金属制品", "五金", "不锈钢", "铝业", "精密铸造"),
    "通用设备制造": ("机械", "电梯", "轴承", "电机", "液压", "机电"),
    "电气机械和器材制造": ("电器", "电缆", "蓄电池", "新能源", "电源", "照明"),
    "木材加工和家具制造": ("木业", "地板", "家具", "椅业", "竹木"),
    "非金属矿物制品": ("建材", "耐火材料", "新型墙材", "玻璃"),
    "化学原料和化学制品": ("化工", "涂料", "新材料"),
    "医药制造": ("生物医药", "药业", "生物科技"),
    "计算机通信和其他电子设备": ("电子", "光电", "智能科技", "地理信息"),
    "汽车制造": ("汽车零部件", "汽配", "新能源汽车"),
    "农副食品加工": ("食品", "茶业", "粮油"),
    "建筑业": ("建设", "建筑工程", "装饰工程"),
    "批发和零售业": ("商贸", "贸易", "超市", "百货"),
    "住宿和餐饮业": ("餐饮管理", "酒店管理", "旅游开发"),
    "交通运输、仓储和邮政业": ("物流", "运输", "供应链"),
    "信息传输、软件和信息技术服务业": ("网络科技", "信息技术", "软件"),
    "租赁和商务服务业": ("人力资源", "物业管理", "企业管理"),
    "居民服务业": ("家政服务", "保洁服务", "养老服务"),
}
BASE_INDUSTRY_WEIGHTS: dict[str, float] = {
    "纺织服装": 10, "金属制品": 7, "通用设备制造": 7, "电气机械和器材制造": 6,
    "木材加工和家具制造": 5, "非金属矿物制品": 4, "化学原料和化学制品": 3, "医药制造": 2,
    "计算机通信和其他电子设备": 4, "汽车制造": 3, "农副食品加工": 3, "建筑业": 6,
    "批发和零售业": 14, "住宿和餐饮业": 8, "交通运输、仓储和邮政业": 4,
    "信息传输、软件和信息技术服务业": 3, "租赁和商务服务业": 5, "居民服务业": 4,
}  # fmt: skip
# What each county is known for: 织里 children's wear, 南浔 flooring and lifts, 德清
# geographic information and pharma, 长兴 batteries and refractories, 安吉 chairs and tea.
COUNTY_INDUSTRY_BOOST: dict[str, dict[str, float]] = {
    "330502": {"纺织服装": 3, "金属制品": 1.5},
    "330503": {"木材加工和家具制造": 3, "通用设备制造": 2.5},
    "330521": {"计算机通信和其他电子设备": 2, "医药制造": 2, "非金属矿物制品": 1.5},
    "330522": {"电气机械和器材制造": 3, "非金属矿物制品": 2},
    "330523": {"木材加工和家具制造": 3, "农副食品加工": 2, "住宿和餐饮业": 2},
}

# Local branches of delivery, logistics and ride-hailing platforms (新业态头部企业).
PLATFORMS: tuple[tuple[str, str, str], ...] = (
    ("美团外卖配送服务有限公司", Occupation.DELIVERY_RIDER, "交通运输、仓储和邮政业"),
    ("蜂鸟即配配送服务有限公司", Occupation.DELIVERY_RIDER, "交通运输、仓储和邮政业"),
    ("顺丰速运有限公司", Occupation.COURIER, "交通运输、仓储和邮政业"),
    ("中通快递有限公司", Occupation.COURIER, "交通运输、仓储和邮政业"),
    ("圆通速递有限公司", Occupation.COURIER, "交通运输、仓储和邮政业"),
    ("韵达快递有限公司", Occupation.COURIER, "交通运输、仓储和邮政业"),
    ("京东物流配送有限公司", Occupation.COURIER, "交通运输、仓储和邮政业"),
    ("滴滴出行汽车服务有限公司", Occupation.RIDE_HAILING_DRIVER, "交通运输、仓储和邮政业"),
    ("曹操出行汽车服务有限公司", Occupation.RIDE_HAILING_DRIVER, "交通运输、仓储和邮政业"),
    ("货拉拉货运服务有限公司", Occupation.TRUCK_DRIVER, "交通运输、仓储和邮政业"),
)
JOINT_ZONES = ("工业园区", "小微企业园", "商贸城", "商务楼宇", "创业园", "特色小镇")
# Trade names (字号): a first character from A, then one or two from B.
TRADE_CHARS_A = "恒鑫华美金天瑞祥兴安森振浩博卓宇永新嘉德宏荣创信立佳志伟万中东南宝光"
TRADE_CHARS_B = "达丰盛源泰福利通发昌隆邦科星辉汇诚远鸿晟昊盈豪腾越洋润康顺和凯捷锦富"


@functools.cache
def trade_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two- and three-character trade names: Faker zh_CN's plain two-character company
    prefixes ("九方", "佳禾") and combinations of the characters above."""
    provider = Faker("zh_CN").provider("faker.providers.company")
    assert provider is not None
    prefixes: list[str] = provider.company_prefixes
    short = {p for p in prefixes if len(p) == 2 and all("\u4e00" <= c <= "\u9fff" for c in p)}
    short.update(a + b for a in TRADE_CHARS_A for b in TRADE_CHARS_B)
    long = [
        a + b + c for a in TRADE_CHARS_A for b in TRADE_CHARS_B for c in TRADE_CHARS_B if b != c
    ]
    return tuple(sorted(short)), tuple(long)
