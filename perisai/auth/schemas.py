"""Bodies of the login endpoints: the login form, the user and session it answers with."""

from marshmallow import fields

from perisai.api import Length, Schema


class LoginSchema(Schema):
    username = fields.String(required=True, validate=Length(min=1, max=60))
    password = fields.String(required=True, validate=Length(min=1, max=200), load_only=True)


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    agent_code = fields.String(allow_none=True)
    # The agent's own name (the field app greets with it); None for supervisors and admins.
    full_name = fields.Function(lambda user: user.agent.full_name if user.agent else None)


class SessionSchema(Schema):
    user = fields.Nested(UserSchema)
    csrf_token = fields.String()


class MessageSchema(Schema):
    message = fields.String()
