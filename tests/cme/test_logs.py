"""Logs are JSON lines carrying the request id, and a task's lines carry the id of the request that sent it."""

import io
import json
import logging
from http import HTTPStatus

import pytest
from celery.app.task import Context
from django.conf import settings

from cme.celery import _bind_request_id, _send_request_id, _unbind_request_id, app
from cme.logs import JsonLineFormatter
from cme.middleware import RequestIdFilter, bind_request_id, current_request_id, unbind_request_id

REQUEST_ID = "req-0123456789abcdef"


@app.task(name="tests.cme.request_id_seen_by_task")
def request_id_seen_by_task() -> str:
    logging.getLogger("tests.cme.task").warning("rendering")
    return current_request_id()


@pytest.fixture
def log_lines():
    """The lines the project's console handler would write (its filter and formatter), as parsed JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_settings_write_json_lines_with_the_request_id():
    handler = settings.LOGGING["handlers"]["console"]

    assert settings.LOGGING["formatters"][handler["formatter"]] == {"()": "cme.logs.JsonLineFormatter"}
    assert handler["filters"] == ["request_id"]


@pytest.mark.django_db
def test_a_request_logs_json_with_its_request_id(client, log_lines):
    response = client.get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID=REQUEST_ID)

    lines = [line for line in log_lines() if line["logger"] == "django.request"]
    assert response["X-Request-ID"] == REQUEST_ID
    assert len(lines) == 1
    assert set(lines[0]) >= {"time", "level", "logger", "message", "request_id"}
    assert lines[0]["level"] == "WARNING"
    assert lines[0]["message"] == "Not Found: /api/v1/no-such-thing/"
    assert lines[0]["request_id"] == REQUEST_ID
    assert lines[0]["status_code"] == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_an_answer_logged_after_the_views_still_carries_the_request_id(client, log_lines):
    """A 400 a view returns (not raises) is logged once, with the id, not as `-` after the middleware."""
    response = client.post("/api/v1/auth/token/", "{", content_type="application/json", HTTP_X_REQUEST_ID=REQUEST_ID)

    lines = [line for line in log_lines() if line["logger"] == "django.request"]
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("Bad Request: /api/v1/auth/token/", REQUEST_ID)
    ]


def test_a_traceback_stays_on_one_json_line(log_lines):
    try:
        raise ValueError("line one\nline two")
    except ValueError:
        logging.getLogger("tests.cme").exception("it broke: %s", "here")

    (line,) = log_lines()
    assert line["message"] == "it broke: here"
    assert line["request_id"] == "-"
    assert "ValueError: line one\nline two" in line["exception"]


def test_publishing_inside_a_request_adds_its_id_to_the_task_headers():
    headers = {}
    token = bind_request_id(REQUEST_ID)
    try:
        _send_request_id(headers=headers)
    finally:
        unbind_request_id(token)
    outside = {}
    _send_request_id(headers=outside)

    assert headers == {"request_id": REQUEST_ID}
    assert outside == {}


def test_a_task_logs_with_the_request_id_it_was_sent_with(log_lines):
    task = type("FakeTask", (), {"request": Context({"id": "task-1", "request_id": REQUEST_ID})})()

    _bind_request_id(task_id="task-1", task=task)
    seen = current_request_id()
    logging.getLogger("tests.cme.task").warning("rendering")
    _unbind_request_id(task_id="task-1")

    assert seen == REQUEST_ID
    assert current_request_id() == "-"
    assert [(line["message"], line["request_id"]) for line in log_lines()] == [("rendering", REQUEST_ID)]


def test_a_task_sent_without_a_request_id_keeps_the_callers():
    task = type("FakeTask", (), {"request": Context({"id": "task-2"})})()
    token = bind_request_id(REQUEST_ID)
    try:
        _bind_request_id(task_id="task-2", task=task)
        seen = current_request_id()
        _unbind_request_id(task_id="task-2")
        after = current_request_id()
    finally:
        unbind_request_id(token)

    assert (seen, after) == (REQUEST_ID, REQUEST_ID)


def test_apply_with_the_header_runs_the_task_under_that_id(log_lines):
    result = request_id_seen_by_task.apply(headers={"request_id": REQUEST_ID})

    assert result.get() == REQUEST_ID
    assert current_request_id() == "-"
    assert [(line["message"], line["request_id"]) for line in log_lines()] == [("rendering", REQUEST_ID)]


def test_a_message_on_the_broker_carries_the_request_id():
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-request-id"
    token = bind_request_id(REQUEST_ID)
    try:
        request_id_seen_by_task.apply_async(queue=queue)
    finally:
        unbind_request_id(token)

    with app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue)
        try:
            message = simple.get(timeout=5)
            message.ack()
        finally:
            simple.queue.purge()
            simple.close()
    assert message.headers["request_id"] == REQUEST_ID
    assert message.headers["task"] == "tests.cme.request_id_seen_by_task"
