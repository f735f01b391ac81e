"""The web app: the page at ``/`` and the JSON API under ``/api`` (needs the ``annotate`` extra).

See :class:`~small_text.annotate.service.AnnotationService` for what each endpoint does.
"""
import contextlib
import json
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from small_text.annotate.service import ApiError

MAX_BODY_BYTES = 1 << 20
"""Request bodies larger than this (1 MB) are refused with 413."""

STATIC_DIR = Path(__file__).resolve().parent / 'static'

_HEADERS = [
    (b'content-security-policy', b"default-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; frame-ancestors 'none'"),
    (b'x-content-type-options', b'nosniff'),
    (b'referrer-policy', b'no-referrer'),
    (b'cache-control', b'no-store'),
]
_MEDIA_TYPES = {'jsonl': 'application/x-ndjson; charset=utf-8', 'csv': 'text/csv; charset=utf-8'}


def create_app(service, token=None, max_body=MAX_BODY_BYTES):
    """Return the ASGI app for ``service``.

    Parameters
    ----------
    service : AnnotationService
        Started when the app starts (ASGI lifespan) and closed when it stops.
    token : str, default=None
        If given, every ``/api`` request needs the header ``Authorization: Bearer <token>``
        (else 401).
    max_body : int, default=MAX_BODY_BYTES
        Larger request bodies get 413.
    """

    async def call(method, *args):
        try:
            return JSONResponse(await run_in_threadpool(method, *args))
        except ApiError as e:
            return JSONResponse({'error': str(e)}, status_code=e.status)

    async def index(request):
        return FileResponse(STATIC_DIR / 'index.html')

    async def status(request):
        return await call(service.status)

    async def next_text(request):
        try:
            payload = await run_in_threadpool(service.next, request.query_params.get('annotator'))
        except ApiError as e:
            return JSONResponse({'error': str(e)}, status_code=e.status)
        return Response(status_code=204) if payload is None else JSONResponse(payload)

    def answer(method):
        async def endpoint(request):
            try:
                body = json.loads(await request.body())
            except (ValueError, UnicodeDecodeError) as e:
                return JSONResponse({'error': f'the request body is not valid JSON ({e})'},
                                    status_code=400)
            if not isinstance(body, dict):
                return JSONResponse({'error': 'the request body must be a JSON object'},
                                    status_code=400)
            return await call(method, body)
        return endpoint

    async def history(request):
        query = request.query_params
        return await call(service.history, query.get('annotator'), query.get('limit', 20))

    async def export(request):
        file_format = request.query_params.get('format', 'jsonl')
        try:
            lines = service.export(file_format)
        except ApiError as e:
            return JSONResponse({'error': str(e)}, status_code=e.status)
        return StreamingResponse(lines, media_type=_MEDIA_TYPES[file_format], headers={
            'content-disposition': f'attachment; filename="labels.{file_format}"'})

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(service.start)
        try:
            yield
        finally:
            await run_in_threadpool(service.close)

    app = Starlette(routes=[
        Route('/', index),
        Mount('/static', StaticFiles(directory=STATIC_DIR), name='static'),
        Route('/api/status', status),
        Route('/api/next', next_text),
        Route('/api/label', answer(service.label), methods=['POST']),
        Route('/api/skip', answer(service.skip), methods=['POST']),
        Route('/api/undo', answer(service.undo), methods=['POST']),
        Route('/api/history', history),
        Route('/api/export', export),
    ], lifespan=lifespan)
    return _Guard(app, token, max_body)


class _Guard:
    """ASGI middleware: the token check, the body size limit and the security headers.

    The body is read (up to ``max_body`` bytes) before the app sees the request, so an
    oversized one is refused with 413 whether or not it declares its length.
    """

    def __init__(self, app, token, max_body):
        self.app = app
        self.token = None if token is None else token.encode()
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message['type'] == 'http.response.start':
                message = {**message, 'headers': [*message.get('headers', []), *_HEADERS]}
            await send(message)

        headers = dict(scope['headers'])
        if self.token is not None and scope['path'].startswith('/api') \
                and not self._authorized(headers.get(b'authorization', b'')):
            await _send_error(send_with_headers, 401, 'this server needs a token: send the '
                              'header "Authorization: Bearer TOKEN" (the token is in the URL '
                              'that small-text annotate printed)',
                              [(b'www-authenticate', b'Bearer')])
            return
        length = headers.get(b'content-length', b'0')
        if not length.isdigit() or int(length) > self.max_body:
            await _send_error(send_with_headers, 413, f'the request body is larger than '
                              f'{self.max_body} bytes')
            return
        body = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message['type'] != 'http.request':
                return  # the client went away
            body.append(message.get('body', b''))
            size += len(body[-1])
            if size > self.max_body:
                await _send_error(send_with_headers, 413, f'the request body is larger than '
                                  f'{self.max_body} bytes')
                return
            more = message.get('more_body', False)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {'type': 'http.request', 'body': b''.join(body), 'more_body': False}

        await self.app(scope, replay, send_with_headers)

    def _authorized(self, header):
        scheme, _, value = header.partition(b' ')
        return scheme.lower() == b'bearer' and secrets.compare_digest(value.strip(), self.token)


async def _send_error(send, status, message, headers=()):
    body = json.dumps({'error': message}).encode()
    await send({'type': 'http.response.start', 'status': status,
                'headers': [(b'content-type', b'application/json'),
                            (b'content-length', str(len(body)).encode()), *headers]})
    await send({'type': 'http.response.body', 'body': body})
