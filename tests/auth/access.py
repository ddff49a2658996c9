from tests.access import LOGIN_ANY, only


def setup(make, users):
    target = make.user(role="expert")
    return {"org_id": make.org().id, "user_id": target.id}


ADMIN_GET = only({"admin"})
ADMIN_POST = only({"admin"}, ok=400)

ROUTES = [
    ("GET", "auth.login", "/login", {"anonymous": 200, "admin": 302, "bureau": 302, "finance": 302,
                                     "expert": 302, "applicant": 302}),
    ("POST", "auth.login", "/login", {"anonymous": 400, "admin": 302, "bureau": 302, "finance": 302,
                                      "expert": 302, "applicant": 302}),
    ("POST", "auth.logout", "/logout", {"anonymous": 302, "admin": 302, "bureau": 302, "finance": 302,
                                        "expert": 302, "applicant": 302}),
    ("GET", "auth.change_password", "/account/password", LOGIN_ANY),
    ("POST", "auth.change_password", "/account/password", {**LOGIN_ANY, **{r: 400 for r in LOGIN_ANY if r != "anonymous"}}),
    ("GET", "admin.users", "/admin/users", ADMIN_GET),
    ("GET", "admin.new_user", "/admin/users/new", ADMIN_GET),
    ("POST", "admin.new_user", "/admin/users/new", ADMIN_POST),
    ("POST", "admin.toggle_user", "/admin/users/{user_id}/active", only({"admin"}, ok=302)),
    ("GET", "admin.organisations", "/admin/organisations", ADMIN_GET),
    ("GET", "admin.new_organisation", "/admin/organisations/new", ADMIN_GET),
    ("POST", "admin.new_organisation", "/admin/organisations/new", ADMIN_POST),
    ("GET", "admin.organisation", "/admin/organisations/{org_id}", ADMIN_GET),
    ("GET", "admin.organisation", "/admin/organisations/999999", only({"admin"}, ok=404)),
    ("POST", "admin.organisation", "/admin/organisations/{org_id}", ADMIN_POST),
    ("POST", "admin.toggle_organisation", "/admin/organisations/{org_id}/active", only({"admin"}, ok=302)),
]
