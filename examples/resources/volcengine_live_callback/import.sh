# A configuration under a vhost and an app: vhost:<vhost>:<app>:<message_type>
terraform import volcengine_live_callback.per_app vhost:push.live.example.com:example_app:push_end

# A vhost-wide configuration has no app, so the app part stays empty.
terraform import volcengine_live_callback.vhost_wide vhost:push.live.example.com::push

# A configuration under a push domain: domain:<domain>:<message_type>
terraform import volcengine_live_callback.by_domain domain:push.example.com:record
