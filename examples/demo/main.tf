# The configuration `make demo` applies against the local Live API emulator.
# scripts/demo.sh exports VOLCENGINE_LIVE_ENDPOINT, VOLCENGINE_ACCESS_KEY,
# VOLCENGINE_SECRET_KEY and VOLCENGINE_REGION; pointed at a real account
# instead, the same file manages real callbacks.

terraform {
  required_version = ">= 1.5"

  required_providers {
    volcengine = {
      source = "liveops/volcengine"
    }
  }
}

provider "volcengine" {
  # Endpoint, credentials and region come from the environment.
  max_retries         = 8
  requests_per_second = 10
}

variable "vhost" {
  description = "Live vhost that owns the callbacks."
  type        = string
  default     = "push.live.example.com"
}

variable "push_domain" {
  description = "Push domain bound to the vhost."
  type        = string
  default     = "push.example.com"
}

variable "app" {
  description = "Application name (the first path segment of the stream URL)."
  type        = string
  default     = "live"
}

variable "callback_key" {
  description = "Key the receiver uses to verify signed callbacks."
  type        = string
  sensitive   = true
  default     = "demo-callback-signing-key"
}

# Stream start for every app of the vhost, delivered to two receivers in order.
resource "volcengine_live_callback" "vhost_push" {
  vhost        = var.vhost
  message_type = "push"

  callback_detail_list = [
    { url = "https://hooks.example.com/live/push" },
    { url = "https://backup.example.com/live/push", callback_type = "HTTP" },
  ]

  transcode_callback = true
}

# Stream end for one app, signed with a key.
resource "volcengine_live_callback" "app_push_end" {
  vhost        = var.vhost
  app          = var.app
  message_type = "push_end"

  callback_detail_list = [
    { url = "https://hooks.example.com/live/push-end" },
  ]

  auth_enable      = true
  auth_key_primary = var.callback_key
}

# Recording task status for everything pushed through one domain.
resource "volcengine_live_callback" "domain_record" {
  domain       = var.push_domain
  message_type = "record"

  callback_detail_list = [
    { url = "https://hooks.example.com/live/record" },
  ]
}

# Snapshot notifications for one app.
resource "volcengine_live_callback" "app_snapshot" {
  vhost        = var.vhost
  app          = var.app
  message_type = "snapshot"

  callback_detail_list = [
    { url = "http://snapshots.example.com/live/snapshot" },
  ]
}

# Everything configured under the vhost, read back after the resources exist.
data "volcengine_live_callbacks" "vhost" {
  vhost = var.vhost

  depends_on = [
    volcengine_live_callback.vhost_push,
    volcengine_live_callback.app_push_end,
    volcengine_live_callback.app_snapshot,
    volcengine_live_callback.domain_record,
  ]
}

output "callback_ids" {
  description = "IDs of the managed configurations; each is also its import ID."
  value = [
    volcengine_live_callback.vhost_push.id,
    volcengine_live_callback.app_push_end.id,
    volcengine_live_callback.domain_record.id,
    volcengine_live_callback.app_snapshot.id,
  ]
}

output "vhost_callback_count" {
  description = "Number of configurations DescribeCallback returns for the vhost."
  value       = length(data.volcengine_live_callbacks.vhost.callbacks)
}

output "vhost_callbacks" {
  description = "What the data source read: ID, message type and receivers of each configuration."
  value = [
    for c in data.volcengine_live_callbacks.vhost.callbacks : {
      id           = c.id
      message_type = c.message_type
      urls         = [for d in c.callback_detail_list : d.url]
    }
  ]
}
