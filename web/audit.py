"""The audit trail page (administrators): newest first, filtered by user, ledger, action and
dates, paged. Parse, call core, render."""
from __future__ import annotations

import math

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from core import audit

bp = Blueprint("audit", __name__)

FILTERS = ("user", "ledger", "action", "from", "to")
ACTION_TITLES = {
    "create": _l("新建"), "update": _l("修改"), "delete": _l("删除"), "import": _l("导入"),
    "define": _l("修改定义"), "list": _l("查看列表"), "export": _l("导出"), "report": _l("报表"),
    "login": _l("登录"), "login_failed": _l("登录失败"), "logout": _l("退出"),
    "user_create": _l("新建用户"), "user_role": _l("修改角色"), "user_unit": _l("修改单位"),
    "user_password": _l("重设密码"), "user_disable": _l("停用用户"), "user_enable": _l("启用用户"),
    "token_issue": _l("生成令牌"), "token_revoke": _l("撤销令牌"), "unit_create": _l("新建单位"),
    "permissions": _l("修改权限"), "archive": _l("归档台帐"), "restore": _l("恢复台帐"),
    "reorder": _l("调整台帐顺序"),
}


@bp.get("/audit")
@login_required
def index():
    page = audit.list_records(current_app.extensions["ledger_db"], current_user.actor, request.args)
    pages = max(1, math.ceil(page["total"] / page["size"]))
    args = {name: request.args.get(name, "") for name in FILTERS}
    return render_template("audit.html", page=page, pages=pages, args=args, actions=[(a, ACTION_TITLES.get(a, a)) for a in audit.ACTIONS])
