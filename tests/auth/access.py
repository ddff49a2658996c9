from tests.access import LOGIN_ANY, only


def setup(make, users):
    from app.auth.expert_operations import ExpertData, save_expert_profile
    from app.extensions import db

    target = make.user(role="expert")
    expert = make.user(role="expert")
    save_expert_profile(expert, ExpertData(title="教授", fields=["新材料"]), actor=None)
    db.session.commit()
    return {"org_id": make.org().id, "user_id": target.id, "expert_id": expert.id,
            "applicant_id": users["applicant"].id}


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

STAFF = {"bureau", "admin"}

ROUTES += [
    ("GET", "admin.edit_user", "/admin/users/{user_id}/edit", ADMIN_GET),
    ("GET", "admin.edit_user", "/admin/users/999999/edit", only({"admin"}, ok=404)),
    ("POST", "admin.edit_user", "/admin/users/{user_id}/edit", ADMIN_POST),
    ("POST", "admin.reset_user_password", "/admin/users/{user_id}/password", ADMIN_POST),
    ("GET", "admin.edit_organisation", "/admin/organisations/{org_id}/edit", ADMIN_GET),
    ("POST", "admin.edit_organisation", "/admin/organisations/{org_id}/edit", ADMIN_POST),
    ("GET", "experts.index", "/experts", only(STAFF)),
    ("GET", "experts.detail", "/experts/{expert_id}", only(STAFF)),
    ("GET", "experts.detail", "/experts/{applicant_id}", only(STAFF, ok=404)),  # not an expert
    ("GET", "experts.detail", "/experts/999999", only(STAFF, ok=404)),
    ("GET", "experts.edit", "/experts/{expert_id}/edit", only(STAFF)),
    ("GET", "experts.edit", "/experts/{applicant_id}/edit", only(STAFF, ok=404)),
    # an empty but valid form clears the profile: staff may do that (302)
    ("POST", "experts.edit", "/experts/{expert_id}/edit", only(STAFF, ok=302)),
    ("POST", "experts.toggle_active", "/experts/{expert_id}/active", only(STAFF, ok=302)),
    ("POST", "experts.toggle_active", "/experts/{user_id}/active", only(STAFF, ok=409)),  # no profile yet
    ("GET", "experts.mine", "/my/expert-profile", only({"expert"})),
    ("POST", "experts.mine", "/my/expert-profile", only({"expert"}, ok=302)),
    ("GET", "experts.import_experts", "/experts/import", only(STAFF)),
    ("POST", "experts.import_experts", "/experts/import", only(STAFF, ok=400)),
    ("GET", "experts.import_template", "/experts/import/template.csv", only(STAFF)),
]
