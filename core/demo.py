"""Realistic sample entries for the five shipped ledgers.

Stdlib only, no imports from the rest of the project. Every entry is a plain dict whose
keys are the field keys of ``schemas/<key>.json`` and which validates against that
schema. The data are fictitious (names, plates, phone numbers) but shaped after the
district office's own account of its work (see the project's domain notes). Output is
deterministic for a given ``seed`` and ``today``.
"""

from __future__ import annotations

import datetime
import random

__all__ = ["LEDGER_KEYS", "demo_entries"]

LEDGER_KEYS = ("supervision", "emergency_plans", "fixed_assets", "repairs", "receptions")

_D = datetime.date
_DAY = datetime.timedelta(days=1)


def demo_entries(key: str, *, today: datetime.date | None = None, seed: int = 20261125) -> list[dict]:
    """Realistic sample entries (plain dicts, keys = field keys) for one shipped ledger."""
    try:
        build = _BUILDERS[key]
    except KeyError:
        raise KeyError(f"no demo data for ledger {key!r}") from None
    if today is None:
        today = datetime.date.today()
    elif isinstance(today, datetime.datetime):
        today = today.date()
    rng = random.Random(f"{seed}:{key}")
    return build(rng, today)


# ---------------------------------------------------------------- helpers

def _iso(d: datetime.date) -> str:
    return d.isoformat()


def _between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + rng.randint(0, (end - start).days) * _DAY


def _money(value: float) -> float:
    """Yuan with two decimals."""
    return round(value, 2)


def _clean(entry: dict) -> dict:
    """Drop keys whose value is None (a missing optional field, not a null)."""
    return {k: v for k, v in entry.items() if v is not None}


_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
          "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "文博",
          "红梅", "国庆", "建军", "丽华", "振宇", "春梅", "卫东", "玉兰"]


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


# ---------------------------------------------------------------- organisation

_TOWNS = ["城关街道", "东城街道", "西城街道", "南关街道", "北关街道", "新华街道",
          "城南镇", "城北镇", "东湖镇", "西山镇", "龙泉镇", "河口镇"]
_DEPTS = ["区发改局", "区财政局", "区住建局", "区教育局", "区卫健局", "区民政局", "区人社局",
          "区自然资源局", "区生态环境局", "区交通运输局", "区水利局", "区农业农村局", "区商务局",
          "区应急管理局", "区市场监管局", "区城管局"]
_LEADERS = ["张建国（常务副区长）", "李卫东（副区长）", "王晓燕（副区长）", "赵志强（副区长）",
            "刘洪涛（副区长）", "陈静（副区长）"]


# ---------------------------------------------------------------- 1 supervision

# (source, content, standard, unit)
_SUPERVISION_ITEMS = [
    ("区政府常务会议纪要", "加快推进城南片区老旧小区改造，完成12个小区雨污分流、管网更新和外立面整治。",
     "按月报送进度；年底前全部完工并通过联合验收，居民满意率不低于90%。", "区住建局"),
    ("区政府常务会议纪要", "制定全区优化营商环境三年行动方案，提交区政府常务会议审议。",
     "广泛征求企业和部门意见，形成送审稿并按期上会。", "区发改局"),
    ("区政府常务会议纪要", "开展本年度财政预算执行情况分析，压减一般性支出，保障“三保”支出。",
     "每季度形成分析报告，一般性支出压减比例不低于5%。", "区财政局"),
    ("区政府常务会议纪要", "启动区第二人民医院门诊楼扩建项目前期工作。",
     "完成可行性研究报告编制和项目立项，落实建设用地。", "区卫健局"),
    ("区政府常务会议纪要", "完成城区主次干道路灯节能改造，更换LED灯具约3200盏。",
     "改造后亮灯率不低于98%，节能率不低于40%。", "区城管局"),
    ("区政府常务会议纪要", "落实城乡居民最低生活保障标准提标工作，确保新标准按时足额发放。",
     "新标准当月执行到位，不漏一户、不错一人。", "区民政局"),
    ("区政府常务会议纪要", "推进东湖镇农村生活污水治理试点，覆盖8个行政村。",
     "污水收集处理设施建成运行，出水水质达到排放标准。", "东湖镇"),
    ("专题会议纪要", "研究解决城关街道农贸市场搬迁期间商户过渡安置问题。",
     "过渡市场按期开业，商户安置率100%，不发生群体性上访。", "城关街道"),
    ("专题会议纪要", "协调解决开发区企业用工难问题，组织春秋两季专场招聘会。",
     "每季度至少举办2场招聘会，帮助企业招工500人以上。", "区人社局"),
    ("专题会议纪要", "开展中小学校舍安全隐患排查整治。",
     "排查全覆盖，发现隐患建立清单，限期整改销号。", "区教育局"),
    ("专题会议纪要", "推进龙泉镇土地整理项目竣工验收和新增耕地报备。",
     "按省级标准完成验收，新增耕地及时入库。", "区自然资源局"),
    ("专题会议纪要", "实施河口镇段河道清淤和堤防加固工程，确保汛前完工。",
     "清淤土方量达到设计要求，堤防达到20年一遇防洪标准。", "区水利局"),
    ("专题会议纪要", "打通西城街道两条断头路，做好沿线房屋征收和群众工作。",
     "征收补偿依法依规、公开透明，按期交付施工场地。", "西城街道"),
    ("专题会议纪要", "部署秋冬季大气污染防治攻坚，强化扬尘和散煤治理。",
     "重点时段PM2.5浓度同比下降，建筑工地“六个百分之百”落实到位。", "区生态环境局"),
    ("领导批示件", "新华街道某小区电梯长期停运，老年住户出行困难，请督促尽快修复。",
     "一周内明确维修责任主体，一个月内恢复运行，结果报区政府办公室。", "区市场监管局"),
    ("领导批示件", "城北镇部分村组反映饮用水浑浊，请查明原因并整改。",
     "立即开展水质检测，制定整改方案，整改结果书面报告。", "区水利局"),
    ("领导批示件", "南关街道夜市占道经营、油烟噪声扰民问题，请研究疏导办法。",
     "规范设置经营区域和时段，群众投诉明显下降。", "区城管局"),
    ("领导批示件", "开发区企业反映增值税留抵退税办理进度慢，请协调加快办理。",
     "符合条件的企业应退尽退，办理时限压缩至10个工作日内。", "区财政局"),
    ("领导批示件", "北关街道棚户区改造回迁安置进度滞后，请倒排工期加快推进。",
     "制定回迁时间表并向群众公开，按期完成回迁。", "北关街道"),
    ("领导批示件", "农村公路危桥改造任务进展缓慢，请加快实施。",
     "年内完成9座危桥改造，改造期间设置便道和警示标志。", "区交通运输局"),
    ("领导批示件", "规范校外培训机构办学行为，查处无证办学。",
     "开展专项检查，无证机构依法取缔，检查结果向社会公布。", "区教育局"),
    ("省长信箱", "东城街道某小区居民反映购房多年仍未办理不动产权证。",
     "查明历史遗留原因，制定办证方案，答复来信人。", "区自然资源局"),
    ("省长信箱", "西山镇某石料厂粉尘污染严重，影响周边村民生活。",
     "现场核查，依法处理，15个工作日内答复来信人。", "区生态环境局"),
    ("省长信箱", "农民工反映某建筑工地拖欠工资。",
     "督促企业限期足额支付，必要时启用工资保证金。", "区人社局"),
    ("省长信箱", "城南镇某村主干道路面坑洼，雨天积水严重。",
     "纳入村道修缮计划，先行修补坑槽，答复来信人。", "城南镇"),
    ("省长信箱", "新建小区配套学校未按期交付使用，适龄儿童入学不便。",
     "明确交付时间，过渡期妥善安排就近入学。", "区教育局"),
    ("省长信箱", "反映龙泉镇某村低保评定不公开、不公正。",
     "核查评定程序，结果张榜公示，答复来信人。", "龙泉镇"),
    ("市长信箱", "市民反映城东片区公交线路少、班次间隔长。",
     "优化线路和班次，新增或延伸线路方案报区政府。", "区交通运输局"),
    ("市长信箱", "某小区居民反映冬季供暖温度不达标。",
     "督促供热企业排查管网，室温达到18℃以上，答复来信人。", "区住建局"),
    ("市长信箱", "群众反映农贸市场个别摊位缺斤短两。",
     "开展计量器具专项检查，设置公平秤，答复来信人。", "区市场监管局"),
    ("市长信箱", "城关街道背街小巷路灯长期不亮。",
     "5个工作日内修复，建立巡查机制，答复来信人。", "区城管局"),
    ("市长信箱", "社区卫生服务中心夜间无人值班，群众就医不便。",
     "核实排班情况，落实夜间值班制度，答复来信人。", "区卫健局"),
    ("市长信箱", "反映民办养老院收费标准不透明。",
     "督促机构公示收费项目和标准，答复来信人。", "区民政局"),
    ("市长信箱", "龙泉镇某企业夜间施工噪声扰民。",
     "现场执法检查，责令整改，答复来信人。", "区生态环境局"),
    ("市长信箱", "东城街道临街商铺油烟直排，影响居民开窗通风。",
     "督促安装油烟净化设施，整改到位后回访。", "东城街道"),
    ("市委书记信箱", "村民反映村集体土地流转收益分配不公开。",
     "开展专项审计，收益分配张榜公示，答复来信人。", "区农业农村局"),
    ("市委书记信箱", "群众反映征地补偿款未足额发放。",
     "核实补偿标准和发放情况，应发尽发，答复来信人。", "河口镇"),
    ("市委书记信箱", "某小区业主反映物业服务收费不规范、服务质量差。",
     "督促物业企业整改并公示收费标准，答复来信人。", "区住建局"),
    ("市委书记信箱", "残疾人反映两项补贴未按时发放。",
     "核查发放记录，及时补发，答复来信人。", "区民政局"),
    ("市委书记信箱", "家长反映新学区划分不合理。",
     "听取群众意见，做好政策解释，答复来信人。", "区教育局"),
    ("市委书记信箱", "反映有企业占用基本农田违法建厂。",
     "现场核查，依法查处，恢复耕地原状，答复来信人。", "区自然资源局"),
    ("人大代表建议", "关于加快城区公共停车场建设、缓解停车难的建议。",
     "办理前与代表沟通，按期书面答复，代表满意或基本满意。", "区城管局"),
    ("人大代表建议", "关于加强农村饮用水安全保障的建议。",
     "办理前与代表沟通，按期书面答复，代表满意或基本满意。", "区水利局"),
    ("人大代表建议", "关于扶持农民专业合作社发展的建议。",
     "办理前与代表沟通，按期书面答复，代表满意或基本满意。", "区农业农村局"),
    ("人大代表建议", "关于增加城区公办幼儿园学位的建议。",
     "办理前与代表沟通，按期书面答复，代表满意或基本满意。", "区教育局"),
    ("人大代表建议", "关于完善社区居家养老服务体系的建议。",
     "办理前与代表沟通，按期书面答复，代表满意或基本满意。", "区民政局"),
    ("人大代表建议", "关于整治城乡结合部环境卫生的建议。",
     "办理前与代表沟通，按期书面答复，代表满意或基本满意。", "区城管局"),
    ("人大代表建议", "关于加大中小微企业融资支持力度的建议。",
     "办理前与代表沟通，按期书面答复，代表满意或基本满意。", "区财政局"),
    ("政协委员提案", "关于保护和利用老街历史文化街区的提案。",
     "办理前与委员沟通，按期书面答复，委员满意或基本满意。", "区住建局"),
    ("政协委员提案", "关于发展全域旅游、打造精品线路的提案。",
     "办理前与委员沟通，按期书面答复，委员满意或基本满意。", "区发改局"),
    ("政协委员提案", "关于全面推行生活垃圾分类的提案。",
     "办理前与委员沟通，按期书面答复，委员满意或基本满意。", "区城管局"),
    ("政协委员提案", "关于加强基层医疗卫生人才队伍建设的提案。",
     "办理前与委员沟通，按期书面答复，委员满意或基本满意。", "区卫健局"),
    ("政协委员提案", "关于促进农村电子商务发展的提案。",
     "办理前与委员沟通，按期书面答复，委员满意或基本满意。", "区商务局"),
    ("政协委员提案", "关于加强河道生态治理和水环境保护的提案。",
     "办理前与委员沟通，按期书面答复，委员满意或基本满意。", "区生态环境局"),
    ("政协委员提案", "关于提升职业技能培训质量的提案。",
     "办理前与委员沟通，按期书面答复，委员满意或基本满意。", "区人社局"),
    ("重点工程", "区人民医院新院区建设工程（A类）。",
     "按月报送形象进度及现场照片；年内完成主体结构封顶。", "区卫健局"),
    ("重点工程", "城南污水处理厂二期工程（A类）。",
     "按月报送形象进度及现场照片；年内通水试运行。", "区住建局"),
    ("重点工程", "滨河大道东延工程（A类）。",
     "按月报送形象进度及现场照片；年内建成通车。", "区交通运输局"),
    ("重点工程", "经济开发区标准化厂房建设（B类）。",
     "按月报送形象进度及现场照片；年内竣工交付8万平方米。", "区发改局"),
    ("重点工程", "龙泉湖湿地公园提升工程（B类）。",
     "按月报送形象进度及现场照片；汛期前完成护岸工程。", "龙泉镇"),
    ("重点工程", "第三实验小学新建工程（A类）。",
     "按月报送形象进度及现场照片；秋季学期前投入使用。", "区教育局"),
    ("重点工程", "城北保障性租赁住房建设项目（B类）。",
     "按月报送形象进度及现场照片；年内建成600套。", "区住建局"),
    ("重点工程", "东湖镇高标准农田建设项目（C类）。",
     "按月报送形象进度及现场照片；年内建成1.2万亩。", "区农业农村局"),
]

_DOC_NO = {
    "区政府常务会议纪要": "区政府常务会议纪要〔{y}〕{n}号",
    "专题会议纪要": "专题会议纪要〔{y}〕{n}号",
    "领导批示件": "领导批示件〔{y}〕{n}号",
    "省长信箱": "省长信箱-{y}-{n:04d}",
    "市长信箱": "市长信箱-{y}-{n:04d}",
    "市委书记信箱": "书记信箱-{y}-{n:04d}",
    "人大代表建议": "区人大建议第{n}号",
    "政协委员提案": "区政协提案第{n}号",
    "重点工程": "重点工程〔{y}〕{n}号",
}

_NOTES = {
    "meeting": ["已召开专题推进会，明确责任分工和时间节点。", "已完成方案编制，报分管领导审定。",
                "项目已进场实施，正按计划推进。"],
    "letter": ["已到现场核查，情况基本属实。", "已约谈相关责任单位，限期整改。",
               "整改方案已制定，正在组织实施。"],
    "suggestion": ["已与代表（委员）当面沟通办理思路。", "已形成答复意见初稿，报分管领导审签。",
                   "相关事项已纳入明年工作计划，承诺分步落实。"],
    "project": ["完成征地拆迁和场地平整。", "基础工程完工，形象进度约30%（已附现场照片）。",
                "主体结构施工中，形象进度约60%（已附现场照片）。"],
}
_DONE_NOTES = {
    "meeting": "各项任务已完成并通过验收，办结报告已报区政府办公室。",
    "letter": "整改完成，已书面答复并电话回访来信人。",
    "suggestion": "已书面答复代表（委员）并当面征求意见。",
    "project": "工程完工，已组织竣工验收（已附现场照片）。",
}


def _note_kind(source: str) -> str:
    if source in ("区政府常务会议纪要", "专题会议纪要"):
        return "meeting"
    if source in ("人大代表建议", "政协委员提案"):
        return "suggestion"
    if source == "重点工程":
        return "project"
    return "letter"


def _supervision(rng: random.Random, today: datetime.date) -> list[dict]:
    out = []
    counters: dict[str, int] = {}
    for i, (source, content, standard, unit) in enumerate(_SUPERVISION_ITEMS):
        kind = _note_kind(source)
        counters[source] = counters.get(source, 0) + rng.randint(1, 9)
        doc_no = _DOC_NO[source].format(y=today.year, n=counters[source])

        # Spread assignment over the last ~10 months; deadlines 2 weeks to 6 months later.
        assigned = today - rng.randint(3, 320) * _DAY
        span = {"meeting": (30, 180), "letter": (15, 45), "suggestion": (60, 120), "project": (120, 300)}[kind]
        deadline = assigned + rng.randint(*span) * _DAY

        if deadline < today:
            status = "已办结" if rng.random() < 0.72 else "办理中"  # the rest are overdue
        elif (today - assigned).days <= 10 and rng.random() < 0.5:
            status = rng.choice(["立项", "交办"])
        else:
            status = rng.choices(["交办", "办理中", "已办结"], weights=[1, 5, 2])[0]

        completed = None
        if status == "已办结":
            late = rng.random() < 0.15
            latest = min(today, deadline + rng.randint(1, 20) * _DAY) if late else min(today, deadline)
            completed = _between(rng, min(assigned + 5 * _DAY, latest), latest)
        progress = {"立项": 0, "交办": rng.choice([0, 5, 10]), "办理中": rng.randrange(20, 95, 5),
                    "已办结": 100}[status]

        co_units = None
        if rng.random() < 0.35:
            pool = [u for u in _TOWNS + _DEPTS if u != unit]
            co_units = rng.sample(pool, rng.randint(1, 2))

        notes = None
        if status in ("办理中", "已办结"):
            last = completed or today
            k = min(rng.randint(1, 3), len(_NOTES[kind]))
            dates = sorted(_between(rng, assigned, last) for _ in range(k))
            texts = _NOTES[kind][:k] if status == "办理中" else _NOTES[kind][:k - 1] + [_DONE_NOTES[kind]]
            contact = _person(rng)
            notes = [{"date": _iso(d), "note": t, "reporter": contact} for d, t in zip(dates, texts)]

        handling = satisfaction = None
        revisit = False
        if kind == "suggestion":
            handling = rng.choices(["A类（已解决）", "B类（承诺办理）", "C类（留作参考）"], weights=[7, 4, 1])[0]
            revisit = handling.startswith("B")
        if status == "已办结" and kind in ("suggestion", "letter"):
            satisfaction = rng.choices(["满意", "基本满意", "不满意"], weights=[80, 18, 2])[0]

        remarks = None
        if status == "办理中" and deadline < today:
            remarks = "已超期，已电话催办。"
        elif revisit:
            remarks = "B类承诺办理件，10月组织“回头看”。"

        out.append(_clean({
            "content": content,
            "standard": standard,
            "source": source,
            "doc_no": doc_no,
            "unit": unit,
            "co_units": co_units,
            "leader": _LEADERS[(i * 7 + rng.randint(0, 5)) % len(_LEADERS)],
            "assigned_on": None if status == "立项" else _iso(assigned),
            "deadline": _iso(deadline),
            "status": status,
            "progress": progress,
            "handling_class": handling,
            "satisfaction": satisfaction,
            "revisit": revisit,
            "progress_notes": notes,
            "completed_on": _iso(completed) if completed else None,
            "remarks": remarks,
        }))
    return out


# ---------------------------------------------------------------- 2 emergency plans

# (name, level, category, subcategory, owner)
_DISTRICT_PLANS = [
    ("区突发公共事件总体应急预案", "区级总体", "综合", "总体", "区政府办公室"),
    ("区地震应急预案", "区级专项", "自然灾害", "地震", "区地震局"),
    ("区森林火灾应急预案", "区级专项", "自然灾害", "森林火灾", "区林业局"),
    ("区防汛抗旱应急预案", "区级专项", "自然灾害", "水、旱灾", "区水利局"),
    ("区气象灾害应急预案", "区级专项", "自然灾害", "气象灾害", "区气象局"),
    ("区突发性地质灾害应急预案", "区级专项", "自然灾害", "突发性地质灾害", "区自然资源局"),
    ("区火灾事故应急预案", "区级专项", "事故灾难", "火灾", "区消防救援大队"),
    ("区城市供水突发事件应急预案", "区级专项", "事故灾难", "供水", "区住建局"),
    ("区大面积停电事件应急预案", "区级专项", "事故灾难", "供电", "区发改局"),
    ("区核与放射性污染事故应急预案", "区级专项", "事故灾难", "核与放射性污染", "区生态环境局"),
    ("区突发环境污染事件应急预案", "区级专项", "事故灾难", "环境污染", "区生态环境局"),
    ("区金融安全突发事件应急预案", "区级专项", "社会安全事件", "金融安全事件", "区金融办"),
]

_DEPT_PLANS = [
    ("区教育系统校园安全突发事件应急预案", "社会安全事件", "校园安全", "区教育局"),
    ("区学校传染病疫情应急预案", "公共卫生事件", "传染病疫情", "区教育局"),
    ("区突发公共卫生事件医疗卫生救援应急预案", "公共卫生事件", "医疗卫生救援", "区卫健局"),
    ("区传染病疫情应急处置预案", "公共卫生事件", "传染病疫情", "区卫健局"),
    ("区食品安全事故应急预案", "公共卫生事件", "食品安全", "区市场监管局"),
    ("区特种设备事故应急预案", "事故灾难", "特种设备事故", "区市场监管局"),
    ("区重大动物疫情应急预案", "公共卫生事件", "动物疫情", "区农业农村局"),
    ("区农业重大自然灾害应急预案", "自然灾害", "农业灾害", "区农业农村局"),
    ("区道路运输突发事件应急预案", "事故灾难", "道路运输", "区交通运输局"),
    ("区建设工程施工安全事故应急预案", "事故灾难", "建设工程", "区住建局"),
    ("区城市燃气突发事件应急预案", "事故灾难", "燃气", "区住建局"),
    ("区危险化学品事故应急预案", "事故灾难", "危险化学品", "区应急管理局"),
    ("区非煤矿山事故应急预案", "事故灾难", "非煤矿山", "区应急管理局"),
    ("区处置群体性事件应急预案", "社会安全事件", "群体性事件", "区公安分局"),
    ("区道路交通事故应急处置预案", "事故灾难", "道路交通事故", "区公安分局"),
    ("区自然灾害救助应急预案", "自然灾害", "灾害救助", "区民政局"),
    ("区生活必需品市场供应应急预案", "社会安全事件", "市场供应", "区商务局"),
    ("区粮食应急预案", "社会安全事件", "粮食供应", "区发改局"),
    ("区旅游突发事件应急预案", "事故灾难", "旅游安全", "区文旅局"),
    ("区城市道路桥梁突发事件应急预案", "事故灾难", "道路桥梁", "区城管局"),
    ("区人民防空工程突发事件应急预案", "事故灾难", "人防工程", "区人防办"),
]

_OTHER_PLANS = [
    ("区政府机关大院突发事件应急处置预案", "其他", "综合", "机关大院安全", "区政府办公室"),
]

# District special plans still to be written (owner urged by the office).
_UNWRITTEN_PLANS = [
    ("区突发公共卫生事件应急预案", "公共卫生事件", "公共卫生", "区卫健局", "编制中"),
    ("区安全生产事故灾难应急预案", "事故灾难", "安全生产", "区应急管理局", "编制中"),
    ("区大型群众性活动安全事故应急预案", "社会安全事件", "大型活动", "区公安分局", "未编制"),
    ("区涉外突发事件应急预案", "社会安全事件", "涉外事件", "区外事办", "未编制"),
    ("区重大植物疫情应急预案", "自然灾害", "生物灾害", "区农业农村局", "未编制"),
    ("区价格异常波动应急预案", "社会安全事件", "价格异常", "区发改局", "未编制"),
    ("区防范和处置非法集资突发事件应急预案", "社会安全事件", "非法集资", "区金融办", "编制中"),
    ("区城市内涝应急预案", "自然灾害", "城市内涝", "区城管局", "未编制"),
]

_DRILLS = [
    "联合相关部门开展桌面推演，检验指挥调度和信息报送流程。",
    "组织实战演练，参演人员约120人，发现物资储备不足问题已整改。",
    "开展功能演练，重点检验通信保障和群众疏散。",
]


def _emergency_plans(rng: random.Random, today: datetime.date) -> list[dict]:
    out = []
    n_zf = 0

    def issued_plan(name, level, category, sub, owner, doc_fmt, n):
        issued = today - rng.randint(400, 3000) * _DAY
        revised = _between(rng, issued + 200 * _DAY, today - 30 * _DAY) if rng.random() < 0.4 else None
        drilled = rng.random() < 0.3
        drill_on = _between(rng, (revised or issued) + 30 * _DAY, today - 10 * _DAY) if drilled else None
        return _clean({
            "name": name, "level": level, "category": category, "subcategory": sub,
            "owner_unit": owner, "status": "已印发",
            "issued_on": _iso(issued),
            "revised_on": _iso(revised) if revised else None,
            "doc_no": doc_fmt.format(y=issued.year, n=n),
            "drilled": drilled,
            "last_drill_on": _iso(drill_on) if drill_on else None,
            "drill_notes": rng.choice(_DRILLS) if drilled else None,
            "remarks": None if drilled else rng.choice([None, None, "拟在区应急指挥中心建成后组织演练。"]),
        })

    for name, level, category, sub, owner in _DISTRICT_PLANS:
        n_zf += rng.randint(1, 6)
        out.append(issued_plan(name, level, category, sub, owner, "区政办发〔{y}〕{n}号", n_zf))
    for name, category, sub, owner in _DEPT_PLANS:
        prefix = owner.removeprefix("区")
        out.append(issued_plan(name, "部门", category, sub, owner, prefix + "发〔{y}〕{n}号", rng.randint(3, 60)))
    for name, level, category, sub, owner in _OTHER_PLANS:
        out.append(issued_plan(name, level, category, sub, owner, "区政办〔{y}〕{n}号", rng.randint(3, 60)))
    for name, category, sub, owner, status in _UNWRITTEN_PLANS:
        out.append(_clean({
            "name": name, "level": "区级专项", "category": category, "subcategory": sub,
            "owner_unit": owner, "status": status, "drilled": False,
            "remarks": ("已形成初稿，正在征求相关部门意见。" if status == "编制中"
                        else f"已于{_iso(today - rng.randint(20, 90) * _DAY)}发函督促编制。"),
        }))
    return out


# ---------------------------------------------------------------- 3 fixed assets

_CLASS_CODE = {"车辆": "CL", "办公用房": "FW", "办公设备": "BG", "家具": "JJ", "电子设备": "DZ", "其他": "QT"}

# (model, seats, value range in yuan, age range in years)
_CARS = [
    ("大众帕萨特 2.0L 自动", 5, (180000, 230000), (2, 9)),
    ("丰田凯美瑞 2.0L 自动", 5, (170000, 220000), (2, 9)),
    ("红旗H5 1.8T 自动", 5, (160000, 200000), (1, 5)),
    ("别克GL8 商务车 2.0T", 7, (260000, 330000), (2, 8)),
    ("丰田考斯特 中型客车", 19, (520000, 620000), (3, 10)),
    ("长城哈弗H6 越野车", 5, (110000, 150000), (2, 8)),
    ("比亚迪秦PLUS 新能源", 5, (130000, 160000), (0, 3)),
]

# (name, class, model, location, unit, value, quantity)
_OTHER_ASSETS = [
    ("区政府1号办公楼", "办公用房", "框架结构 6层 8600㎡", "区政府大院", "后勤服务中心", 21500000, 1),
    ("区政府2号办公楼", "办公用房", "框架结构 5层 6200㎡", "区政府大院", "后勤服务中心", 15800000, 1),
    ("区应急指挥中心用房", "办公用房", "1号楼5层 620㎡", "区政府大院1号楼", "应急科", 1860000, 1),
    ("区财政局办公用房", "办公用房", "2号楼3-4层 1100㎡", "区政府大院2号楼", "区财政局", 2750000, 1),
    ("区发改局办公用房", "办公用房", "2号楼2层 540㎡", "区政府大院2号楼", "区发改局", 1350000, 1),
    ("机关食堂", "办公用房", "砖混结构 2层 900㎡", "区政府大院北侧", "后勤服务中心", 1620000, 1),
    ("数码复合机", "办公设备", "A3 彩色 45页/分", "1号楼208室文印室", "秘书科", 38600, 2),
    ("激光打印机", "办公设备", "A4 黑白 双面", "1号楼各科室", "综合科", 2150, 24),
    ("投影仪", "办公设备", "5000流明 1080P", "1号楼第一会议室", "行政科", 12800, 3),
    ("碎纸机", "办公设备", "4级保密 30L", "1号楼机要室", "机要室", 1980, 6),
    ("会议扩声系统", "办公设备", "数字会议系统 60席", "1号楼第一会议室", "行政科", 186000, 1),
    ("柜式空调", "办公设备", "3匹 变频 冷暖", "1号楼会议室", "后勤服务中心", 9800, 12),
    ("台式计算机", "电子设备", "国产CPU 8G/512G", "1号楼各科室", "信息科", 5600, 45),
    ("笔记本电脑", "电子设备", "14英寸 16G/512G", "1号楼信息科", "信息科", 7200, 10),
    ("机架式服务器", "电子设备", "2路 64G/4T", "1号楼信息中心机房", "信息科", 68000, 4),
    ("视频会议终端", "电子设备", "1080P 高清", "1号楼应急指挥中心", "应急科", 45000, 2),
    ("核心交换机", "电子设备", "三层 48口 万兆上联", "1号楼信息中心机房", "信息科", 52000, 1),
    ("卫星电话", "电子设备", "手持式", "1号楼应急指挥中心", "应急科", 8500, 4),
    ("办公桌椅", "家具", "1.6米 实木贴皮", "1号楼各科室", "行政科", 3200, 60),
    ("文件柜", "家具", "钢制 四门", "1号楼档案室", "机要室", 1280, 40),
    ("会议桌", "家具", "椭圆 24人", "1号楼第一会议室", "行政科", 26000, 1),
    ("接待室沙发", "家具", "真皮 1+1+3", "1号楼接待室", "接待科", 15800, 2),
    ("柴油发电机组", "其他", "150kW 静音型", "区政府大院配电房", "后勤服务中心", 168000, 1),
    ("应急照明及广播设备", "其他", "便携式", "区应急物资仓库", "应急科", 23600, 1),
]


def _fixed_assets(rng: random.Random, today: datetime.date) -> list[dict]:
    out = []
    seq: dict[tuple[str, int], int] = {}
    year_start = _D(today.year, 1, 1)

    def asset_no(cls: str, year: int) -> str:
        k = (cls, year)
        seq[k] = seq.get(k, 0) + 1
        return f"{_CLASS_CODE[cls]}-{year:04d}-{seq[k]:04d}"

    def inventory(status: str):
        r = rng.random()
        if status == "已报废" or r < 0.1:
            return None  # never checked / no longer checked
        if r < 0.75 and today > year_start:
            return _between(rng, year_start, today)  # checked this year
        return _between(rng, _D(today.year - 1, 1, 1), _D(today.year - 1, 12, 31))  # last year only

    for i in range(17):
        model, seats, (lo, hi), (amin, amax) = _CARS[i % len(_CARS)]
        bought = today - rng.randint(amin * 365 + 30, amax * 365 + 300) * _DAY
        age = max((today - bought).days / 365, 0.3)
        status = "待报废" if i == 16 else "在用"
        out.append(_clean({
            "asset_no": asset_no("车辆", bought.year),
            "name": "公务用车" if seats < 19 else "公务中巴车",
            "asset_class": "车辆",
            "model": model,
            "location": "区政府大院车库",
            "custodian_unit": "车队",
            "custodian": _person(rng),
            "purchased_on": _iso(bought),
            "original_value": _money(rng.randrange(lo, hi, 100)),
            "quantity": 1,
            "status": status,
            "last_inventory_on": _iso(d) if (d := inventory(status)) else None,
            "vehicle": {"plate_no": f"区A·D{i + 1:04d}", "seats": seats,
                        "mileage_km": int(age * rng.randint(18000, 32000))},
            "remarks": "行驶里程已超过报废标准，已提交处置申请。" if status == "待报废" else None,
        }))

    for name, cls, model, location, unit, value, qty in _OTHER_ASSETS:
        if cls == "办公用房":
            bought = today - rng.randint(8, 25) * 365 * _DAY
            status = "在用"
        else:
            bought = today - rng.randint(60, 8 * 365) * _DAY
            age = (today - bought).days / 365
            status = rng.choices(["在用", "闲置", "待报废", "已报废"],
                                 weights=[85, 8, 5 + (10 if age > 6 else 0), 2 + (10 if age > 6 else 0)])[0]
        unit_value = value * rng.uniform(0.92, 1.08) if cls != "办公用房" else value
        out.append(_clean({
            "asset_no": asset_no(cls, bought.year),
            "name": name,
            "asset_class": cls,
            "model": model,
            "location": location,
            "custodian_unit": unit,
            "custodian": _person(rng),
            "purchased_on": _iso(bought),
            "original_value": _money(unit_value * qty),
            "quantity": qty,
            "status": status,
            "last_inventory_on": _iso(d) if (d := inventory(status)) else None,
            "remarks": {"闲置": "暂存仓库，可调剂使用。", "待报废": "已达使用年限，待鉴定报废。",
                        "已报废": "已按程序报废处置。"}.get(status),
        }))
    return out


# ---------------------------------------------------------------- 4 repairs

# facility -> [(location, description, cost range)]
_REPAIR_JOBS = {
    "供水": [("区政府大院1号楼3楼卫生间", "洗手池下水管接头漏水，地面积水。", (120, 600)),
             ("职工住宅5号楼供水泵房", "二次供水水泵异响，高层水压不足。", (1800, 9500)),
             ("机关食堂后厨", "热水器不出热水，需检修加热管。", (300, 1500))],
    "供电": [("区政府大院配电房", "雷雨后低压配电柜跳闸，部分楼层断电。", (800, 6800)),
             ("区政府2号楼4楼走廊", "照明线路老化，灯具频繁闪烁。", (400, 2200)),
             ("职工住宅3号楼单元门口", "楼道声控灯损坏。", (80, 400))],
    "排水": [("区政府大院北门", "暴雨后雨水管道堵塞，门口积水约20厘米。", (600, 4800)),
             ("职工住宅小区主干道", "雨水井盖破损、排水不畅。", (300, 2600)),
             ("机关食堂", "隔油池堵塞，污水外溢。", (500, 3200))],
    "空调": [("区政府1号楼第一会议室", "中央空调制冷效果差，需清洗、加氟。", (800, 5200)),
             ("区政府1号楼信息中心机房", "精密空调报高温告警。", (1500, 12000)),
             ("区政府2号楼302室", "分体空调室外机噪声大。", (150, 900))],
    "电梯": [("区政府1号楼1号电梯", "电梯运行中异常停梯，困人一次。", (1200, 8800)),
             ("区政府2号楼电梯", "层门关闭不严，需调整门机。", (600, 3500))],
    "办公设施": [("区政府1号楼208室文印室", "门锁损坏无法锁闭。", (80, 300)),
                 ("区政府1号楼第二会议室", "会议话筒部分无声，需检修。", (300, 2800)),
                 ("区政府2号楼各科室", "百叶窗帘损坏需更换。", (400, 2400))],
    "办公用房": [("区政府2号楼5楼西侧办公室", "雨后墙面渗水、墙皮脱落。", (1500, 9800)),
                 ("区政府1号楼一楼大厅", "地砖空鼓开裂。", (1200, 6500)),
                 ("区政府1号楼屋顶", "屋面防水层老化，顶层办公室漏雨。", (8000, 46000))],
    "职工住宅屋面": [("职工住宅2号楼屋面", "屋面渗漏，顶层住户房间漏雨。", (3000, 28000)),
                     ("职工住宅7号楼屋面", "雨后顶楼楼梯间漏雨。", (1500, 12000)),
                     ("职工住宅11号楼屋面", "屋面落水管脱落，雨水冲刷外墙。", (500, 3000))],
    "公共部位": [("职工住宅小区4号楼楼道", "暴雨后楼道进水，地面湿滑。", (300, 1800)),
                 ("职工住宅小区围墙", "连续降雨后围墙局部开裂倾斜。", (3000, 15000)),
                 ("职工住宅小区自行车棚", "车棚顶板破损漏雨。", (800, 4800))],
    "其他": [("区政府大院东侧绿化带", "雷雨大风吹倒行道树，压坏护栏。", (500, 3500)),
             ("区政府大院门岗", "道闸杆不能自动抬起。", (300, 1600))],
}
_RAINY = ["排水", "职工住宅屋面", "办公用房", "公共部位", "供电", "其他"]
_CONTRACTORS = ["区机关后勤服务中心维修班", "城关水电安装有限公司", "恒达电梯工程有限公司",
                "建安防水工程有限公司", "惠民物业服务有限公司", "华信制冷设备有限公司"]


def _repairs(rng: random.Random, today: datetime.date) -> list[dict]:
    season_year = today.year if today >= _D(today.year, 9, 1) else today.year - 1
    dates = [_between(rng, _D(season_year, 6, 1), _D(season_year, 8, 31)) for _ in range(24)]
    dates += [today - rng.randint(0, 360) * _DAY for _ in range(16)]
    dates.sort()
    out = []
    for reported in dates:
        rainy = _D(reported.year, 6, 1) <= reported <= _D(reported.year, 8, 31)
        ftype = rng.choice(_RAINY) if rainy and rng.random() < 0.8 else rng.choice(list(_REPAIR_JOBS))
        location, description, (lo, hi) = rng.choice(_REPAIR_JOBS[ftype])
        urgency = rng.choices(["一般", "紧急", "特急"], weights=[6, 3, 1])[0]
        age = (today - reported).days
        if age > 30:
            status = "已完成"
        elif age > 7:
            status = rng.choice(["维修中", "已完成", "已完成"])
        else:
            status = rng.choice(["待处理", "维修中", "已完成"])
        contractor = None if status == "待处理" else (
            "恒达电梯工程有限公司" if ftype == "电梯" else
            "华信制冷设备有限公司" if ftype == "空调" else
            rng.choice(["区机关后勤服务中心维修班", "城关水电安装有限公司", "建安防水工程有限公司",
                        "惠民物业服务有限公司"]))
        completed = None
        if status == "已完成":
            days = {"特急": (0, 1), "紧急": (0, 3), "一般": (1, 12)}[urgency]
            completed = min(today, reported + rng.randint(*days) * _DAY)
        out.append(_clean({
            "location": location,
            "facility_type": ftype,
            "description": description,
            "reporter": _person(rng),
            "phone": f"1390000{rng.randint(0, 9999):04d}",
            "reported_on": _iso(reported),
            "urgency": urgency,
            "status": status,
            "contractor": contractor,
            "cost": _money(rng.randint(lo, hi) + rng.choice([0, 0, 0.5, 0.8])) if status == "已完成" else None,
            "completed_on": _iso(completed) if completed else None,
            "accepted_by": _person(rng) if status == "已完成" else None,
            "remarks": "雨季集中报修。" if rainy and ftype in _RAINY and rng.random() < 0.3 else None,
        }))
    return out


# ---------------------------------------------------------------- 5 receptions

_SIGHTS = [
    ("区规划展示馆", "听取全区发展规划介绍"),
    ("经济技术开发区", "考察开发区产业布局和重点企业"),
    ("城南工业园智能制造产业园", "参观智能制造生产线"),
    ("东湖镇现代农业示范园", "考察设施农业和特色农产品基地"),
    ("龙泉湖湿地公园", "考察生态修复和文旅融合项目"),
    ("老街历史文化街区", "参观历史文化街区保护利用"),
    ("区特色农产品展示中心", "了解本地特色农产品和老字号"),
    ("区政务服务中心", "考察“一网通办”改革"),
    ("区政府第一会议室", "座谈交流"),
]
_RECEPTION_GROUPS = [
    ("华远控股集团考察组", "招商", 18, "集团副总裁"),
    ("华远控股集团考察组", "招商", 22, "集团总裁"),
    ("华远控股集团考察组", "招商", 25, "集团董事长"),
    ("华远控股集团考察组", "招商", 20, "集团副总裁"),
    ("华远控股集团考察组", "招商", 25, "集团董事长"),
    ("邻市某区党政考察团", "考察", 32, "区委副书记、区长"),
    ("省发展改革委调研组", "考察", 6, "副主任"),
    ("市人大常委会执法检查组", "考察", 12, "副主任"),
    ("长三角电子信息企业家考察团", "招商", 28, "商会会长"),
    ("新能源装备产业链招商洽谈会客商", "招商", 45, "协会秘书长"),
    ("友好城市代表团", "外事", 9, "副市长"),
    ("外国驻华使馆经济参赞一行", "外事", 5, "经济参赞"),
    ("全市城市更新工作现场推进会", "会议", 96, "副市长"),
    ("全市农业农村工作现场会", "会议", 110, "市委副书记"),
    ("兄弟县区政府办公室业务交流组", "考察", 15, "政府办公室主任"),
]
_HOSTS = ["刘国强（区长）", "张建国（常务副区长）", "李卫东（副区长）", "王晓燕（副区长）", "区政府办公室主任"]
_SLOTS = ["08:30", "09:00", "09:30", "10:30", "11:30", "14:00", "14:30", "15:30", "16:30", "18:00"]


def _receptions(rng: random.Random, today: datetime.date) -> list[dict]:
    out = []
    # The business group's five visits fall within the last half year; others spread
    # from five months ago to six weeks ahead.
    starts = sorted(today - rng.randint(10, 175) * _DAY for _ in range(5))
    others = [today + rng.randint(-150, 45) * _DAY for _ in range(len(_RECEPTION_GROUPS) - 5)]
    cancelled_idx = 5 + rng.randrange(len(others))
    for i, (guest, vtype, guests, leader) in enumerate(_RECEPTION_GROUPS):
        arrival = starts[i] if i < 5 else others[i - 5]
        days = 1 if vtype == "会议" else rng.choice([1, 1, 2, 2, 3])
        departure = arrival + (days - 1) * _DAY
        if i == cancelled_idx:
            status = "已取消"
        elif departure < today:
            status = "已完成"
        elif arrival <= today:
            status = "已确认"
        else:
            status = "已确认" if (arrival - today).days <= 14 else "筹备中"

        n_rows = rng.randint(2, 5)
        sights = rng.sample(_SIGHTS[:-1], n_rows - 1) + [_SIGHTS[-1]]
        slots = sorted(rng.sample(_SLOTS, n_rows))
        host = _HOSTS[0] if vtype == "外事" or guests >= 90 else rng.choice(_HOSTS[1:])
        rows = []
        for j, ((place, content), slot) in enumerate(zip(sights, slots)):
            rows.append(_clean({
                "date": _iso(arrival + min(j * days // n_rows, days - 1) * _DAY),
                "time": slot, "place": place, "content": content,
                "escorts": host.split("（")[0] + ("、区商务局负责人" if vtype == "招商" else "、区政府办公室接待科"),
            }))
        per_head = {"考察": 150, "招商": 200, "外事": 300, "会议": 80}[vtype]
        budget = _money(guests * per_head * days + rng.randint(5, 40) * 100)
        out.append(_clean({
            "guest": guest,
            "visit_type": vtype,
            "arrival_on": _iso(arrival),
            "departure_on": _iso(departure),
            "guests": guests,
            "guest_leader": leader,
            "host_leader": host,
            "itinerary": rows,
            "meals": (f"工作餐，机关食堂自助，标准{per_head // 2}元/人；" if vtype == "会议"
                      else f"午餐安排在龙泉宾馆，标准{per_head // 2}元/人，突出本地特色菜；"),
            "lodging": ("不安排住宿。" if days == 1 else f"龙泉宾馆标准间，{days - 1}晚。"),
            "budget": budget,
            "status": status,
            "remarks": ("对方行程调整，接待取消。" if status == "已取消" else
                        "近半年该集团第{}次来访。".format(i + 1) if i < 5 else None),
        }))
    return out


_BUILDERS = {
    "supervision": _supervision,
    "emergency_plans": _emergency_plans,
    "fixed_assets": _fixed_assets,
    "repairs": _repairs,
    "receptions": _receptions,
}
