"""English for every interface string (msgids are the Chinese text users see by default).

Regenerate the catalog after changing UI strings:
    pybabel extract -F babel.cfg -k _l -k lazy_gettext -k tr -k msgid --no-location --sort-output -o translations/messages.pot .
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
    "共 %(n)s 条": "%(n)s records", "时间": "Time", "记录": "Entry", "条件": "Filter",
    "行数": "Rows", "哈希": "Hash",
    "每次修改与整本台帐的导出、报表下载都留有记录；每条记录带前一条的哈希，可用命令 flask --app app audit verify 核验是否被改动或删除。":
        "Every change and every download of a whole ledger (export, report file) is recorded; each record carries "
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
# The ledger designer, cross-field rules, definition versions, new ledger from a spreadsheet,
# ledger management (order, archive), users and the audit trail.
EN.update({
    "%(error)s：请先修改标出的问题": "%(error)s: fix the marked problems first",
    "%(label)s：多个条件（在“高级”标签中修改）": "%(label)s: several conditions (edit them on the “Advanced” tab)",
    "%(place)s：%(message)s": "%(place)s: %(message)s",
    "%(title)s（%(key)s）": "%(title)s (%(key)s)",
    "%(why)s，请换一个台帐标识。": "%(why)s; please choose another ledger key.",
    "JSON 嵌套过深": "The JSON is nested too deeply",
    "JSON 格式错误：第 %(line)s 行第 %(col)s 列：%(msg)s": "Invalid JSON at line %(line)s, column %(col)s: %(msg)s",
    "JSON 语法错误：第 %(line)s 行第 %(column)s 列（%(message)s）":
        "JSON syntax error at line %(line)s, column %(column)s (%(message)s)",
    'migrate 应为对象：{字段: {"default": 值} 或 {"map": {旧值: 新值}}}':
        'migrate must be an object: {field: {"default": value} or {"map": {old value: new value}}}',
    "values 应为 [名称, 值] 的列表": "values must be a list of [name, value] pairs",
    "“%(title)s”": "“%(title)s”",
    "✓ 试填的内容全部通过校验": "✓ The trial entry passes every check",
    "上传去年的 Excel 或 CSV 表格，按表头和内容生成字段":
        "Upload last year's Excel or CSV sheet to make fields from its headers and contents",
    "上传去年的 XLSX 或 CSV（UTF-8 或 GB18030/GBK）。第一行为表头：每列生成一个字段，标题即表头；按各列的取值推断日期、数字、金额、是/否、选项、多行文本等类型，并说明理由。生成的定义先保存为草稿，在设计器中调整并发布后，再用导入功能导入同一文件。":
        "Upload last year's XLSX or CSV (UTF-8 or GB18030/GBK). The first row is the header: each column becomes a "
        "field titled by its header, and its type (date, number, money, yes/no, choice, multi-line text…) is guessed "
        "from the column's values, with the reason given. The definition is saved as a draft; adjust it in the "
        "designer and publish it, then import the same file with Import.",
    "上移": "Move up", "上移选项": "Move option up", "下移": "Move down", "下移选项": "Move option down",
    "下拉列表": "Drop-down list", "下拉多选": "Multi-select list",
    "不大于": "at most", "不小于": "at least", "不等于": "does not equal", "等于": "equals",
    "大于": "greater than", "小于": "less than", "包含": "contains", "属于（逗号分隔）": "is one of (comma-separated)",
    "不符合时的提示": "Message when it fails",
    "与上一版相比的变化": "Changes since the previous version",
    "与当前版本相比没有字段变化": "No field changes from the current version",
    "业务主键": "Business key",
    "仅当…时显示": "Show only when…",
    "仅当多个条件同时成立时显示（在“高级”标签中修改）。":
        "Shown only when several conditions all hold (edit them on the “Advanced” tab).",
    "从表格新建": "New from a spreadsheet", "从表格新建台帐": "New ledger from a spreadsheet",
    "使用中": "In use",
    "例：petitions": "e.g. petitions", "例：信访事项台帐": "e.g. Petitions ledger",
    "例：当 状态 等于 已办结 时，检查 办结日期 不小于 $交办日期 的字段名（以 $ 开头表示另一个字段），不符合时显示提示。":
        "e.g. when Status equals Done, check that Completion date is at least $assigned_date "
        "(a field name after $ means another field); if not, show the message.",
    "保留：仍按原版本的定义有效，在列表中标记": "Keep: they stay valid under their original version and are flagged in the list",
    "值或 $字段名": "Value or $field_name",
    "分组": "Group", "分组内的字段": "Fields in the group",
    "列表与查询": "List and search",
    "列表显示的列（不选则显示前 6 个）": "Columns in the list (none chosen: the first 6)",
    "删除字段“%(title)s”？已有记录中的值仍会保留并显示。": "Delete the field “%(title)s”? Values in existing entries are kept and still shown.",
    "办理期限（超期提醒）": "Deadline (overdue alerts)",
    "单行文本": "Text", "多行文本": "Multi-line text", "单选": "Choice", "多选": "Multiple choice",
    "单选按钮": "Radio buttons", "复选框": "Checkboxes",
    "占位示例": "Placeholder example",
    "原名 %(key)s": "formerly %(key)s",
    "发布": "Publish", "发布人": "Published by", "发布失败": "Publishing failed", "发布时间": "Published",
    "可视化编辑": "Visual editor",
    "台帐“%(key)s”已存在，请换一个标识，或在下方打开它": "The ledger “%(key)s” already exists; choose another key, or open it below",
    "台帐“%(key)s”没有可导出的定义": "The ledger “%(key)s” has no definition to export",
    "台帐与草稿": "Ledgers and drafts",
    "台帐定义有误，未发布": "The ledger definition has errors; not published",
    "台帐定义（JSON Schema 加 x-ledger，见文档 definitions.md）": "Ledger definition (JSON Schema plus x-ledger; see definitions.md)",
    "台帐标识应为“%(key)s”": "The ledger key should be “%(key)s”",
    "台帐标识应以小写字母开头，只含小写字母、数字和下划线（最多 63 个字符）":
        "The ledger key must start with a lower-case letter and hold only lower-case letters, digits and underscores (63 characters at most)",
    "台帐设计需要启用 JavaScript。": "The ledger designer needs JavaScript.",
    "在这里新建台帐、修改台帐的字段与规则。修改先保存为草稿，发布后才对录入人员生效。":
        "Create ledgers and change their fields and rules here. Changes are saved as a draft and take effect for data entry only once published.",
    "如何处理这些记录": "What to do with these entries",
    "子表": "Table", "子表的列": "Table columns",
    "字段名“%(key)s”已被使用": "The field name “%(key)s” is already taken",
    "字段名应以小写字母开头，只含小写字母、数字和下划线": "A field name must start with a lower-case letter and hold only lower-case letters, digits and underscores",
    "字段无变化": "No field changes",
    "字段间规则": "Cross-field rules",
    "定义": "Definition",
    "定义不是 JSON 对象，请在“高级”标签中修改。": "The definition is not a JSON object; edit it on the “Advanced” tab.",
    "定义有 %(n)s 处问题，修改后才能发布": "The definition has %(n)s problems; fix them before publishing",
    "定义有误，下面是上一次的预览。": "The definition has errors; below is the last preview.",
    "定义版本": "Definition versions",
    "导入 JSON": "Import JSON",
    "导入时按此字段更新已有记录": "On import, update existing entries matched on this field",
    "导出": "Export", "导出当前版本": "Export current version", "导出草稿": "Export draft",
    "将新建台帐“%(title)s”（%(key)s），发布后录入人员即可使用。": "This creates the ledger “%(title)s” (%(key)s); once published it is ready for data entry.",
    "小写字母开头，只含小写字母、数字和下划线；用于网址与接口，发布后不能修改":
        "Starts with a lower-case letter; only lower-case letters, digits and underscores. Used in addresses and the API; fixed once published",
    "小写字母开头；已发布字段改名后，旧记录的值随之迁移": "Starts with a lower-case letter; renaming a published field moves the values of existing entries along",
    "已保存草稿（还有 %(n)s 处问题，发布前需修改）": "Draft saved (%(n)s problems left to fix before publishing)",
    "已发布“%(title)s”第 %(version)s 版。": "Published version %(version)s of “%(title)s”.",
    "已导入为草稿": "Imported as a draft", "已导入为草稿（有 %(n)s 处问题）": "Imported as a draft (%(n)s problems)",
    "已归档": "Archived",
    "已归档“%(key)s”：其他用户不再看到它，数据保留，可随时恢复。": "Archived “%(key)s”: other users no longer see it; its data is kept and it can be restored at any time.",
    "已按“%(file)s”的 %(rows)s 行生成草稿（%(fields)s 个字段）。请检查字段后发布，再在 /ledgers/%(key)s/import 导入同一文件（逐行报告）。":
        "Draft made from the %(rows)s rows of “%(file)s” (%(fields)s fields). Check the fields and publish, "
        "then import the same file at /ledgers/%(key)s/import (with a report for each row).",
    "已有记录都符合新的定义。": "All existing entries fit the new definition.",
    "帮助说明": "Help text", "常用格式": "Common formats",
    "归档": "Archive", "归档“%(title)s”？": "Archive “%(title)s”?",
    "归档后，其他用户将看不到这本台帐（共 %(n)s 条记录），记录不会删除；管理员只能查看和导出，恢复后可继续使用。":
        "Once archived, other users no longer see this ledger (%(n)s entries); nothing is deleted. "
        "Administrators can only view and export it until it is restored.",
    "当": "When",
    "录入人员看到的表单。可在此试填一条记录，校验结果显示在字段旁。":
        "The form as data-entry users see it. Try filling in an entry here; check results appear beside the fields.",
    "录入内容须符合此格式；可选常用格式，并在“占位示例”中写一个符合的例子":
        "Input must match this pattern; pick a common format and put a matching example in “Placeholder example”",
    "待核": "To check",
    "恢复": "Restore", "恢复“%(title)s”？": "Restore “%(title)s”?",
    "恢复后，有权限的用户将重新看到并使用这本台帐。": "Once restored, users with access see and use this ledger again.",
    "手机号码": "Mobile number",
    "拖动可调整顺序": "Drag to reorder",
    "按对照改写（每行 旧值=新值）": "Map values (one old=new per line)",
    "按当前版本的定义：": "Under the current definition: ",
    "提交的内容过大（上限 %(kb)s KB）": "Request too large (limit %(kb)s KB)",
    "搜索范围（关键字搜索这些字段）": "Search scope (keywords search these fields)",
    "放弃草稿": "Discard draft",
    "放弃草稿？草稿中的修改将全部丢失，已发布的定义不受影响。": "Discard the draft? All its changes are lost; the published definition is not affected.",
    "数字": "Number", "数量": "Count", "整数": "Whole number", "金额": "Amount", "是/否": "Yes/no",
    "文件": "File", "文件不是 UTF-8 编码的 JSON": "The file is not UTF-8 JSON",
    "文件过大（上限 %(kb)s KB）": "File too large (limit %(kb)s KB)",
    "文件过大（上限 %(mb)s MB）": "File too large (limit %(mb)s MB)",
    "方式": "Method",
    "无法连接服务器，预览未更新": "Cannot reach the server; the preview was not updated",
    "时间（时:分）": "Time (hh:mm)",
    "显示为": "Show as",
    "最多字数": "Maximum length", "最少字数": "Minimum length", "最大值": "Maximum", "最小值": "Minimum",
    "（影响 %(n)s 条已有记录，例如：）": "(affects %(n)s existing entries, for example:)",
    "共有 %(n)s 条已有记录不符合新的定义。": "%(n)s existing entries in all do not fit the new definition.",
    "其中 %(n)s 条的问题不由上面某一项修改引起（如组合条件，或原本就不符合），例如：":
        "%(n)s of them have problems no single change above causes (a condition, or they did not fit before), for example:",
    "服务器返回了无法读取的内容（%(status)s）": "The server sent an unreadable response (%(status)s)",
    "期限日期字段": "Deadline date field",
    "未知的操作": "Unknown action",
    "本记录保存于较早版本的定义，按当前版本有以下问题（原有数据未改动，编辑保存时需更正）：":
        "This entry was saved under an earlier definition and has these problems under the current one "
        "(its data is unchanged; fix them when you next edit and save it):",
    "标题": "Title",
    "格式不是有效的正则表达式": "The pattern is not a valid regular expression",
    "格式（正则表达式）": "Pattern (regular expression)",
    "检查": "Check", "正在检查…": "Checking…",
    "正在编辑已发布的定义；保存草稿或发布后才会存下修改。": "Editing the published definition; changes are kept only when you save a draft or publish.",
    "此字段不是对象，请在“高级”标签中修改。": "This field is not an object; edit it on the “Advanced” tab.",
    "每个报表一段 JSON：key、title、group_by、measures、chart 等，写法见 definitions.md。":
        "One JSON object per report: key, title, group_by, measures, chart and so on; see definitions.md.",
    "每次发布都保存为新的版本，旧版本不会改变；已有记录的数据不会因改版而丢失。":
        "Each publication is saved as a new version and old versions never change; existing entries lose no data when the definition changes.",
    "添加规则": "Add rule", "添加选项": "Add option",
    "版本": "Version", "生成草稿": "Make draft",
    "用于网址与接口，不能修改": "Used in addresses and the API; cannot be changed",
    "确认发布": "Publish", "确认归档": "Archive", "确认恢复": "Restore",
    "管理台帐（排序、归档）": "Manage ledgers (order, archive)",
    "类型": "Type",
    "统一社会信用代码": "Unified social credit code",
    "继续设计": "Continue designing",
    "缺少的值填默认值": "Fill missing values with a default",
    "网址": "Web address",
    "草稿": "Draft",
    "视为办结的状态": "Statuses that count as completed",
    "设计": "Design", "设计：%(title)s": "Design: %(title)s",
    "说明": "Description",
    "请写一个符合格式的示例": "Please give an example that matches the pattern",
    "请填写提示": "Please write the message",
    '请求体应为 JSON 对象：{"definition": {...}}': 'The request body must be a JSON object: {"definition": {...}}',
    "请选择 CSV 或 XLSX 文件": "Please choose a CSV or XLSX file",
    "请选择要导入的 JSON 文件": "Please choose the JSON file to import",
    "身份证号码": "ID card number", "邮政编码": "Postcode", "邮箱": "Email",
    "输入框中浅色显示的“例：…”": "Shown faintly in the empty input as “e.g. …”",
    "迁移：按下面填写的默认值或值对照改写，全部成功才发布，每条记录留修改历史":
        "Migrate: rewrite them with the defaults or value maps below; publish only if all succeed, keeping each entry's history",
    "这是一个新台帐，发布后录入人员即可使用。": "This is a new ledger; once published it is ready for data entry.",
    "这本台帐已归档：其他用户看不到它，只能查看和导出。": "This ledger is archived: other users cannot see it, and it can only be viewed and exported.",
    "选项": "Options", "选项一": "Option 1", "选项二": "Option 2",
    "降序（新的在前）": "Descending (newest first)",
    "项目": "Item",
    "预览": "Preview", "预览失败": "Preview failed",
    "首次发布": "First publication",
    "首页按这里的顺序列出台帐。归档的台帐对其他用户隐藏（如同不存在），数据全部保留，管理员可查看、导出，恢复后一切照旧。":
        "The home page lists ledgers in this order. Archived ledgers are hidden from other users (as if they did not exist); "
        "all data is kept, administrators can view and export it, and restoring brings everything back as it was.",
    "高级：定义 JSON": "Advanced: definition JSON",
    "默认值": "Default value", "默认排序": "Default order",
    "（其他）": "(other)", "（其他，在 JSON 中编辑）": "(other: edit in JSON)",
    "（小写字母开头，只含小写字母、数字和下划线；默认由标题的拼音生成）":
        "(starts with a lower-case letter; only lower-case letters, digits and underscores; made from the title's pinyin by default)",
    "（当前）": "(current)", "（总是显示）": "(always shown)", "（总是检查）": "(always check)",
    "（按录入顺序）": "(in order of entry)",
    "（规则不是对象，请在“高级”标签中修改）": "(the rule is not an object; edit it on the “Advanced” tab)",
    "（默认取文件名）": "(defaults to the file name)",
    "：": ": ",
    # these had wrong fuzzy guesses
    "保存失败": "Save failed", "保存草稿": "Save draft", "修改单位": "Change unit", "修改定义": "Change definition",
    "修改权限": "Change permissions", "值": "Value", "停用用户": "Disable user", "启用用户": "Enable user",
    "删除报表": "Delete report", "删除规则": "Delete rule", "删除选项": "Delete option",
    "台帐名称": "Ledger name", "台帐标题": "Ledger title", "台帐设计": "Ledger designer",
    "字段%(names)s": "Field %(names)s", "字段名": "Field name", "导入失败": "Import failed",
    "已保存草稿": "Draft saved", "已修改单位，该用户需重新登录。": "Unit changed; the user must sign in again.",
    "已恢复“%(key)s”。": "Restored “%(key)s”.", "所属单位": "Unit", "打开台帐": "Open ledger",
    "报表 %(n)s": "Report %(n)s", "撤销令牌": "Revoke token", "操作失败": "Action failed",
    "新台帐": "New ledger", "新台帐草稿（%(who)s，%(when)s）": "New ledger draft (%(who)s, %(when)s)",
    "新字段%(n)s": "New field %(n)s", "新建台帐": "New ledger", "新报表": "New report",
    "日期时间": "Date and time", "最多行数": "Maximum rows", "最少行数": "Minimum rows",
    "有草稿（%(who)s，%(when)s）": "Draft (%(who)s, %(when)s)", "本次修改": "Changes in this version",
    "查看列表": "View list", "标识": "Key",
    "正在编辑草稿（%(who)s 保存于 %(when)s）。草稿发布后才生效。":
        "Editing a draft (saved by %(who)s at %(when)s). It takes effect once published.",
    "添加字段": "Add field", "添加报表": "Add report", "状态字段": "Status field", "生成令牌": "Issue token",
    "登录失败": "Failed sign-in",
    "示例“%(example)s”不符合格式": "The example “%(example)s” does not match the pattern",
    "示例“%(example)s”符合格式": "The example “%(example)s” matches the pattern",
    "第 %(n)s 版": "Version %(n)s", "筛选条件": "Filters", "管理台帐": "Manage ledgers", "统计报表": "Reports",
    "记录数": "Entries", "选项 %(n)s": "Option %(n)s", "选项%(n)s": "Option %(n)s",
    "页面的安全令牌缺失或已过期，请刷新页面后重试。": "The page's security token is missing or expired; reload the page and try again.",
    "（不提醒）": "(no alerts)", "（常用格式）": "(common formats)", "（旧版字段）": "(field from an old version)",
})

EN.update({  # audit trail: the ledger catalogue's actions
    "归档台帐": "Archive ledger",
    "恢复台帐": "Restore ledger",
    "调整台帐顺序": "Reorder ledgers", "随定义迁移": "migrated with the definition",
})


# The workflow in the entry form and on the entry page: offered states, who acts next, confirmations.
EN.update({
    "保存后：%(who)s": "After saving: %(who)s", "下一步：%(who)s": "Next: %(who)s",
    "确认“%(step)s”？": "Confirm “%(step)s”?", "确认“%(step)s”": "Confirm “%(step)s”",
    "确认“%(step)s”：%(number)s？": "Confirm “%(step)s”: %(number)s?",
    "确认%(step)s并保存": "Confirm %(step)s and save", "确认%(step)s": "Confirm %(step)s",
    "状态将由“%(from)s”改为“%(to)s”。": "The state changes from “%(from)s” to “%(to)s”.",
    "状态将由“%(from)s”改为“%(to)s”。本次修改尚未保存，确认后一并保存；如不要这一步，请改回状态后再保存。":
        "The state changes from “%(from)s” to “%(to)s”. Nothing is saved yet: confirm to save it with your other "
        "changes, or set the state back and save.",
    "这一步同时：%(what)s。": "This step also: %(what)s.",
    "这一步同时：%(what)s（本次已改动的字段以您填写的为准）。":
        "This step also: %(what)s (a field you changed keeps what you typed).",
    "%(field)s 清空": "clears %(field)s", "%(field)s 填为今天": "sets %(field)s to today",
    "%(field)s 填为 %(value)s": "sets %(field)s to %(value)s",
    "按期限（超期在前，已办结在后）": "By deadline (overdue first, closed last)",
})
# Stored rules that no longer read (the ledger page's warning to those who may define it).
EN.update({
    "这本台帐有 %(n)s 处已保存的规则无法识别，已不起作用：":
        "%(n)s stored rules of this ledger can no longer be read and have no effect:",
})
# Attachments (core/files, templates/entries) and the designer's catalogue of kinds and operators.
EN.update({
    "下载附件（ZIP）": "Download attachments (ZIP)",
    "全部记录的附件，按记录编号分文件夹": "Every entry's attachments, a folder per entry number",
    "取消勾选的文件在保存后从本记录移除（修改记录中仍可查看）。":
        "Files left unticked are removed from this entry when it is saved (the history still shows them).",
    "可上传：%(types)s；每个文件不超过 %(size)s，最多 %(n)s 个。":
        "Accepted: %(types)s; each file up to %(size)s, at most %(n)s files.",
    "不属于（逗号分隔）": "not one of (comma-separated)", "属于（逗号分隔）": "one of (comma-separated)",
    "文本": "Text", "电子邮件": "Email", "是否": "Yes/no", "附件": "Attachments",
})


# Reporting rounds (催报), my tasks, the Word bulletin and the printed list.
EN.update({
    "一键催报未报单位": "Remind every unit that has not reported", "下载 Word": "Download Word",
    "不为": "is not", "不为以下任一": "is none of", "不重复": "Once", "为": "is", "为以下之一": "is one of",
    "催报": "Reporting rounds", "共 %(t)s 项，已报 %(r)s，未报 %(m)s，逾期 %(l)s":
        "%(t)s items, %(r)s reported, %(m)s missing, %(l)s late",
    "各单位均已填报，无需催报。": "Every unit has reported; no reminder needed.",
    "哪些事项（列表的筛选条件）": "Which items (the list's filters)", "填报": "Report", "填报情况": "Reports",
    "如：2026年12月督查事项进展填报": "e.g. December 2026 progress reports",
    "已催报 %(n)s 次，最近一次 %(at)s": "Reminded %(n)s times, last at %(at)s",
    "已向 %(n)s 个单位催报：%(u)s": "Reminded %(n)s units: %(u)s", "已填报。": "Reported.", "已报": "Reported",
    "开启": "Open", "开启一轮催报": "Open a reporting round", "待填报的催报事项": "Items to report in a round",
    "待我办理的流程": "Workflow steps waiting for me", "我的待办": "My tasks",
    "截止于每月几日 / 每周星期几": "Due on day of month / weekday", "截止日期：%(d)s": "Due: %(d)s",
    "打印时间：": "Printed: ", "承办单位须填写的字段": "Fields each unit must fill in", "排序：": "Sort: ",
    "提交": "Submit", "无（全部记录）": "None (all entries)", "早于或小于": "before or below",
    "晚于或大于": "after or above", "更新填报": "Update report", "未报": "Missing",
    "本轮催报已结束。": "This round is closed.",
    "本轮共 %(t)s 项，已报 %(r)s 项（其中逾期报送 %(l)s 项），未报 %(m)s 项。":
        "This round has %(t)s items: %(r)s reported (%(l)s of them late), %(m)s missing.",
    "每周（填星期 1-7）": "Weekly (weekday 1-7)", "每月（填日期 1-31）": "Monthly (day 1-31)",
    "结束本轮": "Close this round",
    "说明：事项为本轮开启时符合筛选条件的记录；逾期报送指在截止日期之后填报。":
        "Items are the entries the filters matched when the round opened; late means reported after the due date.",
    "进行中": "Open", "逾期": "Late", "重复": "Repeat",
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
