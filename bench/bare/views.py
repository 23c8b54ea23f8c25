"""The baselines: a JSON view, and a check-in (token lookup + unique insert: 3 queries)."""

import json

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bench.bare.models import AccessToken, Checkin


@require_GET
def ping(request):
    return JsonResponse({"status": "ok"})


def _body(checkin: Checkin) -> dict:
    return {"id": checkin.pk, "session": checkin.session_id, "checked_in_at": checkin.checked_in_at.isoformat()}


@csrf_exempt
@require_POST
def checkin(request):
    key = request.headers.get("Authorization", "").removeprefix("Token ").strip()
    token = AccessToken.objects.select_related("learner").filter(key=key).first()  # query 1
    if token is None:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    try:
        session_id = int(json.loads(request.body)["session"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"session": ["A session id is required."]}, status=400)
    existing = Checkin.objects.filter(learner=token.learner, session_id=session_id).first()  # query 2
    if existing:
        return JsonResponse(_body(existing), status=200)
    try:
        with transaction.atomic():
            checkin = Checkin.objects.create(learner=token.learner, session_id=session_id)  # query 3
    except IntegrityError:
        return JsonResponse(_body(Checkin.objects.get(learner=token.learner, session_id=session_id)), status=200)
    return JsonResponse(_body(checkin), status=201)
