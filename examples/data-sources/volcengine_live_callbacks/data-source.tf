# Every callback configuration under a vhost.
data "volcengine_live_callbacks" "vhost" {
  vhost = "push.live.example.com"
}

# Only the stream start configurations of one app.
data "volcengine_live_callbacks" "app_push" {
  vhost        = "push.live.example.com"
  app          = "example_app"
  message_type = "push"
}

# The configurations set on a push domain.
data "volcengine_live_callbacks" "domain" {
  domain = "push.example.com"
}

output "vhost_callback_ids" {
  value = [for c in data.volcengine_live_callbacks.vhost.callbacks : c.id]
}

output "app_push_receivers" {
  value = flatten([
    for c in data.volcengine_live_callbacks.app_push.callbacks : [
      for d in c.callback_detail_list : d.url
    ]
  ])
}

# app is null for a configuration of the whole vhost, and domain is set only
# for what a domain lists.
output "vhost_wide_message_types" {
  value = [for c in data.volcengine_live_callbacks.vhost.callbacks : c.message_type if c.app == null]
}
