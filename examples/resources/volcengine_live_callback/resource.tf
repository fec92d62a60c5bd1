variable "callback_key" {
  description = "Key the receiver uses to verify signed callbacks."
  type        = string
  sensitive   = true
}

# Stream start events for every app of a vhost, sent to two receivers in order.
resource "volcengine_live_callback" "vhost_wide" {
  vhost        = "push.live.example.com"
  message_type = "push"

  callback_detail_list = [
    { url = "https://hooks.example.com/live/push" },
    { url = "https://backup.example.com/live/push", callback_type = "HTTP" },
  ]

  # Only push and push_end accept true.
  transcode_callback = true
}

# Stream end events of a single app, signed with a key kept in state as a
# sensitive value.
resource "volcengine_live_callback" "per_app" {
  vhost        = "push.live.example.com"
  app          = "example_app"
  message_type = "push_end"

  callback_detail_list = [
    { url = "https://hooks.example.com/live/push-end" },
  ]

  auth_enable      = true
  auth_key_primary = var.callback_key

  timeouts {
    create = "5m"
    update = "5m"
    delete = "5m"
  }
}

# Recording status for everything pushed through one push domain. A domain
# scope takes no app.
resource "volcengine_live_callback" "by_domain" {
  domain       = "push.example.com"
  message_type = "record"

  callback_detail_list = [
    { url = "https://hooks.example.com/live/record" },
  ]
}

# Terraform >= 1.11: a write-only key is sent to the API but never stored in
# plan or state. Terraform cannot see when it changes, so bump
# auth_key_primary_wo_version to send a new key.
variable "snapshot_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "volcengine_live_callback" "write_only_key" {
  vhost        = "push.live.example.com"
  app          = "example_app"
  message_type = "snapshot"

  callback_detail_list = [
    { url = "https://hooks.example.com/live/snapshot" },
  ]

  auth_enable                 = true
  auth_key_primary_wo         = var.snapshot_key
  auth_key_primary_wo_version = 1
}
