from tests.access import LOGIN_ANY, PUBLIC, only


def setup(make, users):
    return {}


ROUTES = [
    ("GET", "core.index", "/", PUBLIC),
    ("GET", "core.dashboard", "/dashboard", LOGIN_ANY),
    ("GET", "core.set_language", "/lang/en?next=/", {r: 302 for r in PUBLIC}),
    ("GET", "core.set_language", "/lang/xx", {r: 404 for r in PUBLIC}),
    ("GET", "core.policy_settings", "/admin/policy", only({"admin"})),
    ("POST", "core.policy_settings", "/admin/policy", only({"admin"}, ok=400)),
    ("GET", "core.audit_log", "/admin/audit", only({"admin", "bureau"})),
    ("GET", "static", "/static/css/site.css", PUBLIC),
    ("GET", "core.audit_head", "/audit/head.json", PUBLIC),
    ("GET", "site.notices", "/notices", PUBLIC),
    ("GET", "site.notices", "/notices?q=%E9%80%9A%E7%9F%A5&page=2", PUBLIC),
    ("GET", "site.sitemap", "/sitemap", PUBLIC),
    ("GET", "site.display_mode", "/display/large?next=/", {r: 302 for r in PUBLIC}),
    ("GET", "site.display_mode", "/display/normal", {r: 302 for r in PUBLIC}),
    ("GET", "site.display_mode", "/display/huge", {r: 404 for r in PUBLIC}),
    ("GET", "static", "/static/js/challenge_rows.js", PUBLIC),
]
