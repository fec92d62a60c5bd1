# Terraform >= 1.12 can import by identity instead of an ID string: the vhost
# or the push domain, the app and the message type, each an attribute of its
# own. Leave out what the configuration does not have: the app of a
# vhost-wide configuration, the vhost of a push domain's (whose identity is
# { domain = "push.example.com", message_type = "record" }).
import {
  to = volcengine_live_callback.vhost_wide
  identity = {
    vhost        = "push.live.example.com"
    message_type = "push"
  }
}

import {
  to = volcengine_live_callback.write_only_key
  identity = {
    vhost        = "push.live.example.com"
    app          = "example_app"
    message_type = "snapshot"
  }
}
