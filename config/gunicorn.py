"""gunicorn's settings for ``scripts/production`` (``gunicorn -c python:config.gunicorn``).

The access log is not Django logging, so it gets the same protection here:

- each line has the path without its query string (``%(U)s``), no referrer and no browser
  string: query strings and referrers can carry search terms and personal details;
- the EMŠO filter of ``LOGGING`` (:class:`config.logging_filters.RedactPersonalNumbers`)
  is on every access and error log handler, so a 13-digit number in a path is masked.

Bind address, workers and trusted proxies come from ``scripts/production``'s command line.
"""

from gunicorn.glogging import Logger

from config.logging_filters import RedactPersonalNumbers

# No runtime control socket (gunicorn 25+ opens one in $HOME by default): systemd
# restarts and reloads the service; nothing else should be able to resize or stop it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# Client, time, method, path (no query string), protocol, status, bytes, seconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'


class RedactingLogger(Logger):
    """gunicorn's logger with the EMŠO filter on every handler."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                if not any(
                    isinstance(f, RedactPersonalNumbers) for f in handler.filters
                ):
                    handler.addFilter(RedactPersonalNumbers())


logger_class = RedactingLogger
