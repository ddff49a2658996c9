"""Access matrix rows for demands, challenge management and the public portal."""
from tests.access import LOGIN_ANY, PUBLIC, ROLES, only


def setup(make, users):
    enterprise = users["applicant"].organisation  # the matrix's applicant belongs to an enterprise
    own_draft = make.demand("draft", user=users["applicant"])
    submitted = make.demand("submitted", bureau=users["bureau"])
    other_draft = make.demand("draft")
    draft = make.challenge("draft", actor=users["bureau"])
    own_draft_challenge = make.challenge("draft", issuer=enterprise, actor=users["bureau"])
    published = make.challenge("published", actor=users["bureau"])
    return {
        "own_demand": own_draft.id, "submitted": submitted.id, "other_draft": other_draft.id,
        "draft": draft.id, "own_challenge": own_draft_challenge.id, "published": published.id,
    }


def _status(**by_role):
    """Explicit row: every role named."""
    assert set(by_role) == set(ROLES), set(ROLES) ^ set(by_role)
    return by_role


BUREAU_GET = only({"bureau"})
BUREAU_POST = only({"bureau"}, ok=400)
NOT_FOUND_EXCEPT = lambda ok_roles, ok=200: {r: 302 if r == "anonymous" else ok if r in ok_roles else 404 for r in ROLES}  # noqa: E731

ROUTES = [
    # -- demands: the filing enterprise ---------------------------------------------
    ("GET", "demands.mine", "/demands/mine", only({"applicant"})),
    ("GET", "demands.new", "/demands/new", only({"applicant"})),
    ("POST", "demands.new", "/demands/new", only({"applicant"}, ok=400)),
    # a draft is its enterprise's alone: everyone else gets 404, bureau included
    ("GET", "demands.detail", "/demands/{own_demand}", NOT_FOUND_EXCEPT({"applicant"})),
    ("GET", "demands.detail", "/demands/{other_draft}", NOT_FOUND_EXCEPT(set())),
    ("GET", "demands.detail", "/demands/{submitted}", NOT_FOUND_EXCEPT({"bureau", "admin"})),
    ("GET", "demands.detail", "/demands/999999", NOT_FOUND_EXCEPT(set())),
    ("GET", "demands.edit", "/demands/{own_demand}/edit", NOT_FOUND_EXCEPT({"applicant"})),
    ("POST", "demands.edit", "/demands/{own_demand}/edit", NOT_FOUND_EXCEPT({"applicant"}, ok=400)),
    # submitted: the bureau may read it but never edit it (403)
    ("GET", "demands.edit", "/demands/{submitted}/edit", {**NOT_FOUND_EXCEPT(set()), "bureau": 403, "admin": 403}),
    # one-click actions: the complete factory demand really is submitted / accepted
    ("POST", "demands.upload", "/demands/{own_demand}/attachments", NOT_FOUND_EXCEPT({"applicant"}, ok=400)),
    ("GET", "demands.attachment", "/demands/{own_demand}/attachments/999999", NOT_FOUND_EXCEPT(set())),
    ("POST", "demands.delete_attachment", "/demands/{own_demand}/attachments/999999/delete", NOT_FOUND_EXCEPT(set())),
    ("POST", "demands.submit", "/demands/{own_demand}/submit", NOT_FOUND_EXCEPT({"applicant"}, ok=302)),
    # -- demands: bureau screening ---------------------------------------------------
    ("GET", "demands.manage_list", "/demands/", BUREAU_GET),
    ("POST", "demands.screen", "/demands/{submitted}/accept", only({"bureau"}, ok=302)),
    ("POST", "demands.screen", "/demands/{submitted}/reject", BUREAU_POST),
    ("POST", "demands.screen", "/demands/{submitted}/return", BUREAU_POST),
    ("POST", "demands.screen", "/demands/{other_draft}/accept", {**only({"bureau"}, others=403), "bureau": 404}),
    # -- challenges: bureau management -----------------------------------------------
    ("GET", "challenges.index", "/manage/challenges/", BUREAU_GET),
    ("GET", "challenges.new", "/manage/challenges/new", BUREAU_GET),
    ("POST", "challenges.new", "/manage/challenges/new", BUREAU_POST),
    ("GET", "challenges.detail", "/manage/challenges/{draft}", NOT_FOUND_EXCEPT({"bureau", "admin"})),
    # the issuing enterprise follows its own draft; other applicants get 404
    ("GET", "challenges.detail", "/manage/challenges/{own_challenge}", NOT_FOUND_EXCEPT({"bureau", "admin", "applicant"})),
    # a public challenge: staff see the internal page, everyone else is sent to the portal page
    ("GET", "challenges.detail", "/manage/challenges/{published}",
     {**LOGIN_ANY, "finance": 302, "expert": 302, "applicant": 302}),
    ("GET", "challenges.detail", "/manage/challenges/999999", NOT_FOUND_EXCEPT(set())),
    ("GET", "challenges.edit", "/manage/challenges/{draft}/edit", BUREAU_GET),
    ("POST", "challenges.edit", "/manage/challenges/{draft}/edit", BUREAU_POST),
    # published: fields frozen
    ("GET", "challenges.edit", "/manage/challenges/{published}/edit", only({"bureau"}, ok=409)),
    ("POST", "challenges.edit", "/manage/challenges/{published}/edit", only({"bureau"}, ok=409)),
    ("POST", "challenges.publish", "/manage/challenges/publish", BUREAU_POST),
    ("GET", "challenges.amend", "/manage/challenges/{published}/amend", BUREAU_GET),
    ("POST", "challenges.amend", "/manage/challenges/{published}/amend", BUREAU_POST),
    ("GET", "challenges.amend", "/manage/challenges/{draft}/amend", only({"bureau"}, ok=409)),
    ("POST", "challenges.cancel", "/manage/challenges/{published}/cancel", BUREAU_POST),
    # -- the public portal -------------------------------------------------------------
    ("GET", "portal.index", "/challenges", PUBLIC),
    ("GET", "portal.detail", "/challenges/{published}", PUBLIC),
    ("GET", "portal.detail", "/challenges/{draft}", {r: 404 for r in ROLES}),
    ("GET", "portal.detail", "/challenges/999999", {r: 404 for r in ROLES}),
    ("GET", "static", "/static/js/countdown.js", PUBLIC),
]
