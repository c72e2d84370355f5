"""Who may sign in to the admin page (`/admin/`). persistgen created this file once and never
touches it again.

By default one account: `ADMIN_USERNAME` (default `admin`) and `ADMIN_PASSWORD` from the
environment or `.env`; with no password set nobody signs in. Set `ADMIN_SECRET_KEY` wherever
more than one process serves the app (it signs the session cookie).

To sign in with your application's own users instead, return a subclass of sqladmin's
`AuthenticationBackend` whose `login` checks the form's `username` and `password` against
them (and stores who signed in in `request.session`), whose `authenticate` checks the
session (or a token, a header set by your proxy, ...), and whose `logout` clears it.
"""

from sqladmin.authentication import AuthenticationBackend

from library.admin_views import PasswordBackend, get_admin_settings


def backend() -> AuthenticationBackend:
    return PasswordBackend(get_admin_settings())
