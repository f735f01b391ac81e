"""Serving the app with uvicorn on a socket bound up front (needs the ``annotate`` extra)."""
import ipaddress
import socket
import sys

import uvicorn

LOOPBACK_HOSTS = ('localhost',)


def is_loopback(host):
    """Return whether ``host`` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host, port):
    """Return a listening TCP socket on ``host:port`` (port 0 picks a free port).

    Raises
    ------
    OSError
        If the address cannot be bound (in use, or not an address of this machine).
    """
    family, kind, protocol, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url(sock, token=None):
    """Return the page's URL for the bound socket, with ``?token=`` if a token is in force."""
    host, port = sock.getsockname()[:2]
    if ':' in host:
        host = f'[{host}]'
    return f'http://{host}:{port}/' + (f'?token={token}' if token else '')


class _Server(uvicorn.Server):
    """A uvicorn server that prints one line once it serves."""

    def __init__(self, config, line):
        super().__init__(config)
        self.line = line

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if not self.should_exit:
            print(self.line, flush=True)


def serve(app, sock, line):
    """Serve ``app`` on ``sock`` until Ctrl-C (or SIGTERM); print ``line`` once serving."""
    config = uvicorn.Config(app, log_level='warning', access_log=False, lifespan='on',
                            timeout_graceful_shutdown=5)
    try:
        _Server(config, line).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print('small-text annotate: stopped', file=sys.stderr, flush=True)
