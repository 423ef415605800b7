"""The sign-in pages: identifier and password, one-time codes, the second step, enrolment
and a new password during sign-in, the OpenID Connect and federation pages."""
