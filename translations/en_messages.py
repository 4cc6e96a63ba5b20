"""English for every interface string (msgids are the Chinese text users see by default).

Regenerate the catalog after changing UI strings:
    pybabel extract -F babel.cfg -k _l -k lazy_gettext -k tr --no-location --sort-output -o translations/messages.pot .
    pybabel update -i translations/messages.pot -d translations
    python translations/en_messages.py      # fills translations/en from the table below, compiles .mo
"""
EN = {
    "%(n)s 行": "%(n)s rows",
    "%(who)s 创建于 %(when)s": "Created by %(who)s at %(when)s",
    "%(who)s 最后修改于 %(when)s（第 %(v)s 版）": "last changed by %(who)s at %(when)s (version %(v)s)",
    "尚无任何用户。请在服务器上创建第一个管理员：": "There are no users yet. Create the first administrator on the server:",
    "上一页": "Previous", "下一页": "Next", "不支持该请求方法": "Method not allowed",
    "主导航": "Main navigation", "从": "from", "他人已先保存了这条记录": "Someone else saved this entry first",
    "保存": "Save", "修改": "changed", "修改记录": "History", "停用": "Disabled", "全部": "All",
    "共 %(n)s 条记录": "%(n)s entries", "共 %(total)s 条记录": "%(total)s entries", "内容": "Values",
    "出错了": "Something went wrong", "分页": "Pages", "删除": "Delete", "删除此行": "Remove row",
    "删除记录 #%(id)s": "Delete entry #%(id)s", "删除记录 #%(id)s？": "Delete entry #%(id)s?",
    "原值": "Before", "双方内容相同。": "Both versions are the same.", "取消": "Cancel", "只读": "Viewer",
    "台帐": "Ledgers", "台帐管理系统": "Ledger server", "否": "No", "启用": "Active", "命令行": "command line",
    "字段": "Field", "密码": "Password", "导入": "Import", "导出 CSV": "Export CSV",
    "将从“%(ledger)s”中删除这条记录。删除后列表中不再显示，修改记录仍会保留。":
        "This entry will be removed from “%(ledger)s”. It will no longer be listed; its history is kept.",
    "已保存。": "Saved.", "已保存的（他人）": "Saved (by the other person)", "已删除一行": "Row removed",
    "已删除记录 #%(id)s。": "Entry #%(id)s deleted.", "已新建记录 #%(id)s。": "Entry #%(id)s created.",
    "已添加一行": "Row added", "已退出登录。": "You are signed out.", "带 * 的为必填项。": "Fields marked * are required.",
    "必填": "required", "您填写的": "Yours",
    "您打开这条记录后，%(who)s 于 %(when)s 保存了新的内容。您的修改尚未保存。请对照下表：如要保留对方的内容，请放弃修改；如确认以您填写的内容为准，请再次点击“保存”。":
        "After you opened this entry, %(who)s saved new values at %(when)s. Your changes have not been saved. "
        "Compare them below: to keep the other values, discard your changes; to keep yours, press “Save” again.",
    "您的账号没有执行此操作的权限。如需开通，请联系管理员。":
        "Your account may not do this. Ask an administrator if you need it.",
    "您要找的台帐、记录或页面不存在，可能已被删除。": "The ledger, entry or page does not exist; it may have been deleted.",
    "接口": "API", "提交的内容过大": "Request too large", "搜索": "Search", "操作": "Actions",
    "放弃我的修改，查看最新内容": "Discard my changes and view the latest", "数据校验未通过": "Validation failed",
    "新值": "After", "新建": "created", "新建用户、修改角色请使用命令行：flask --app app users create 用户名 --role editor --password 密码":
        "Create users and change roles on the command line: flask --app app users create NAME --role editor --password PASSWORD",
    "新建记录": "New entry", "无法提交表单": "The form could not be submitted", "是": "Yes",
    "有 %(n)s 处需要修改，尚未保存": "%(n)s problems to fix; nothing was saved", "服务器内部错误": "Internal server error",
    "来源": "source", "查看": "View", "查看初始内容（%(n)s 项）": "Show initial values (%(n)s)",
    "欢迎，%(name)s。": "Welcome, %(name)s.", "没有权限": "Forbidden", "没有符合条件的记录。": "No matching entries.",
    "添加一行": "Add row",
    "清空一行的全部内容即删除该行；保存后会再留出一个空行供继续填写。":
        "Clear every cell of a row to remove it; after saving another empty row is added for more.",
    "清除": "Clear", "状态": "Status", "用户名": "User name", "用户名或密码错误。": "Wrong user name or password.",
    "用户管理": "Users", "登录": "Sign in", "确认删除": "Delete", "第 %(page)s / %(pages)s 页": "page %(page)s of %(pages)s",
    "第 %(v)s 版": "version %(v)s", "第%(n)s行": "row %(n)s", "筛选": "Filter", "筛选与搜索": "Filter and search",
    "管理员": "Administrator", "编辑": "Edit", "编辑记录 #%(id)s": "Edit entry #%(id)s", "网页": "web", "至": "to",
    "表单的安全令牌缺失或已过期。请返回上一页，刷新后重新提交。":
        "The form's security token is missing or expired. Go back, reload the page and submit again.",
    "角色": "Role", "记录已被他人修改": "Changed by someone else",
    "该记录已被他人修改，未删除。请核对最新内容后再决定。":
        "Someone else changed this entry, so it was not deleted. Check the latest values first.",
    "请先登录。": "Please sign in first.", "请求无效": "Bad request",
    "请稍后重试；如果问题持续出现，请联系管理员。": "Please try again later; if it keeps happening, contact an administrator.",
    "请选择": "Choose…", "超期": "Overdue", "跳到正文": "Skip to content", "返回台帐首页": "Back to ledgers",
    "还没有任何台帐。": "There are no ledgers yet.", "退出": "Sign out", "页面不存在": "Not found",
    "（已停用字段）": "(retired field)", "（无）": "(none)", "（点击排序）": "(sort)",
    "导入台帐": "Import", "编辑者": "Editor",
    # the bulletin (督查通报), print and phone
    "通报期间": "Bulletin period", "%(field)s 从": "%(field)s from", "期数": "Issue", "发文单位": "Issued by",
    "生成通报": "Make bulletin", "打印 / 存为 PDF": "Print / save as PDF", "第 %(n)s 期": "No. %(n)s",
    "督查通报": "Supervision bulletin", "区政府办公室": "District Government Office", "编号": "No.",
    "一、总体情况": "1. Overview", "二、各%(unit)s办理情况": "2. By %(unit)s", "三、超期未办结事项": "3. Overdue items",
    "事项数": "Items", "已办结": "Done", "超期未办结": "Overdue", "办结率": "Done rate", "按期办结率": "On-time rate",
    "合计": "Total", "序号": "No.", "超期天数": "Days overdue", "办结日期": "completion date",
    "本期没有事项。": "No items in this period.", "本期没有超期未办结事项。": "No overdue items in this period.",
    "仅列出超期最久的 %(n)s 件。": "Only the %(n)s most overdue items are listed.",
    "期数应为 1 到 9999 之间的整数": "The issue number must be a whole number from 1 to 9999",
    "发文单位不能超过 40 个字": "The issuing office may have at most 40 characters",
    "%(field)s在%(start)s至%(end)s期间的%(ledger)s事项共 %(total)s 件，已办结 %(done)s 件，办结率 %(rate)s；其中按期办结 %(on_time)s 件，按期办结率 %(on_time_rate)s。截至%(today)s，超期未办结 %(overdue)s 件。":
        "%(total)s %(ledger)s items had their %(field)s between %(start)s and %(end)s; %(done)s are done (%(rate)s), "
        "%(on_time)s of them on time (%(on_time_rate)s). As of %(today)s, %(overdue)s are overdue.",
    "说明：统计范围为%(field)s在本期内的事项；办结率＝已办结÷事项数；按期办结率＝%(completed)s不晚于%(field)s的已办结事项÷已办结事项；超期指%(field)s早于今天且尚未办结。":
        "Note: items whose %(field)s falls in the period; done rate = done ÷ items; on-time rate = done items with a "
        "%(completed)s no later than the %(field)s ÷ done items; overdue = %(field)s before today and not done.",
    "例：%(example)s": "e.g. %(example)s", "按期限筛选": "By deadline", "即将到期": "Due soon",
    "未办结": "Open", "除": "Not", "排除所选": "Exclude selected", "导出 Excel": "Export Excel",
    "（按期限排序：超期在前，已办结在后）": " (by deadline: overdue first, closed last)",
    "第 %(page)s 页不存在（共 %(pages)s 页），已转到最后一页。":
        "There is no page %(page)s (%(pages)s pages); showing the last page.",
    "办理期限": "Deadlines", "7 天内到期": "due within 7 days",
    # reports, workflow and the progress log
    "%(ledger)s · 报表": "%(ledger)s · Reports", "下载 XLSX": "Download XLSX", "图表": "Chart",
    "尚无进展记录": "No progress notes yet", "已改为“%(s)s”。": "Changed to “%(s)s”.",
    "已添加进展。": "Progress note added.", "报表": "Reports", "按": "by", "日期": "Date",
    "添加进展": "Add a progress note", "筛选条件：": "Filters: ",
    "该台帐没有定义办理流程": "This ledger declares no workflow", "该台帐没有定义报表。": "This ledger declares no reports.",
    "该台帐没有进展记录": "This ledger keeps no progress notes", "请填写进展内容": "Please write the progress note",
    "进展": "Progress",
    "下载 CSV": "Download CSV", "删除记录 %(number)s": "Delete entry %(number)s",
    "删除记录 %(number)s？": "Delete entry %(number)s?", "办理": "Handling",
    "已删除记录 %(number)s。": "Entry %(number)s deleted.", "已新建记录 %(number)s。": "Entry %(number)s created.",
    "编辑记录 %(number)s": "Edit entry %(number)s",
    "该记录已被他人修改，未保存。请核对最新内容后再操作。":
        "Someone else changed this entry; nothing was saved. Check the newest values and try again.",
}
# The audit trail page (web/audit.py, templates/audit.html).
EN.update({
    "审计记录": "Audit trail", "用户": "User", "台帐标识": "Ledger key", "起始日期": "From", "截止日期": "To",
    "共 %(n)s 条": "%(n)s records", "时间（UTC）": "Time (UTC)", "记录": "Entry", "条件": "Filter",
    "行数": "Rows", "哈希": "Hash",
    "每次修改与整本台帐的查看、导出、报表都留有记录；每条记录带前一条的哈希，可用命令 flask --app app audit verify 核验是否被改动或删除。":
        "Every change and every read of a whole ledger (list, export, report) is recorded; each record carries "
        "the hash of the one before, and flask --app app audit verify checks that none was altered or removed.",
})
# Accounts, sessions, first set-up, units and ledger permissions.
EN.update({
    'API 令牌': 'API tokens',
    '上级单位': 'Parent unit',
    '两次输入的密码不一致。': 'The two passwords differ.',
    '停用此用户': 'Disable this user',
    '再次输入密码': 'Password again',
    '创建时间': 'Created',
    '创建第一个管理员': 'Create the first administrator',
    '初始密码（至少 8 个字符）': 'Initial password (8 characters or more)',
    '单位（组织机构）': 'Units (organisation)',
    '台帐中“承办单位”等字段填写的是单位名称；按单位设定范围的用户可以看到本单位及下级单位的记录。': 'Ledger fields such as the responsible unit hold unit titles; a user scoped by unit sees the entries of their unit and the units below it.',
    '名称': 'Title',
    '密码（至少 8 个字符）': 'Password (8 characters or more)',
    '尚无任何用户。请打开服务器控制台显示的一次性设置地址（…/setup?code=…）创建第一个管理员；在服务器本机上可直接打开 /setup。': 'There are no users yet. Open the one-time set-up address the server console shows (…/setup?code=…) to create the first administrator; on the server itself, /setup opens directly.',
    '已修改角色，该用户需重新登录。': 'Role changed; the user must sign in again.',
    '已停用该用户，其会话与 API 令牌已失效。': 'User disabled; their sessions and API tokens no longer work.',
    '已创建管理员 %(name)s，请登录。': 'Administrator %(name)s created; please sign in.',
    '已启用该用户。': 'User enabled.',
    '已撤销令牌，该用户需重新登录。': 'Token revoked; the user must sign in again.',
    '已重设密码，该用户需用新密码重新登录。': 'Password reset; the user must sign in again with the new one.',
    '当前未设规则：按角色。': 'No rules set: roles decide.',
    '撤销': 'Revoke',
    '新令牌只显示这一次，请立即复制保存。': 'The new token is shown only this once: copy it now.',
    '新密码（至少 8 个字符）': 'New password (8 characters or more)',
    '新的 API 令牌（只显示这一次）：': 'New API token (shown only once):',
    '权限设置': 'Permissions',
    '标识（字母、数字）': 'Key (letters, digits)',
    '每条规则：哪个角色（可限定某单位及其下级单位的用户）可以做哪些操作，能看到和修改哪些记录。未设规则的台帐按角色：编辑可查看、新增、修改、删除、导出、导入；只读用户可查看、导出。管理员总是拥有全部权限。': 'Each rule: which role (optionally only users of a unit and the units below it) may do what, and which entries they see and change. Without rules, roles decide: editors read, create, edit, delete, export and import; viewers read and export. Administrators may always do everything.',
    '没有 API 令牌。': 'No API tokens.',
    '清除规则（按角色）': 'Clear the rules (roles decide)',
    '生成新令牌': 'Issue a new token',
    '登录失败次数过多，请在 %(minutes)s 分钟后再试。': 'Too many failed sign-ins; try again in %(minutes)s minutes.',
    '系统中还没有任何用户。在此创建的管理员可以在“用户管理”中添加其他用户。此页面只能使用一次。': 'There are no users yet. The administrator created here can add the others under Users. This page works only once.',
    '记录范围': 'Entries in scope',
    '请稍后再试': 'Please try again later',
    '还没有单位。': 'No units yet.',
    '重新启用此用户': 'Enable this user again',
    '限定单位': 'Only for unit',
    '（不用）': '(unused)',
    '（所有单位）': '(all units)',
    '（无，顶级单位）': '(none: a top-level unit)',
    '从未登录': 'Never signed in',
    '保存规则': 'Save rules',
    '修改角色': 'Change role',
    '创建管理员': 'Create administrator',
    '单位': 'Units',
    '已保存权限设置。': 'Permissions saved.',
    '已创建用户 %(name)s。': 'User %(name)s created.',
    '已新建单位“%(t)s”。': 'Unit “%(t)s” created.',
    '新建单位': 'New unit',
    '新建用户': 'New user',
    '最近登录': 'Last sign-in',
    '权限': 'Permissions',
    '账号状态': 'Account',
    '重设密码': 'Reset password',
})


def main() -> None:
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    folder = Path(__file__).resolve().parent / "en" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if message.id and isinstance(message.id, str):
            if message.id in EN:
                message.string = EN[message.id]
                message.flags.discard("fuzzy")
            elif not message.string:
                missing.append(message.id)
    with open(folder / "messages.po", "wb") as handle:
        write_po(handle, catalog, width=100)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main()
