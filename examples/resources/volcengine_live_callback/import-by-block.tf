# Terraform >= 1.5 can import from configuration; `terraform plan` shows the
# import before `terraform apply` performs it. The id takes the same forms as
# `terraform import`.
import {
  to = volcengine_live_callback.per_app
  id = "vhost:push.live.example.com:example_app:push_end"
}

import {
  to = volcengine_live_callback.by_domain
  id = "domain:push.example.com:record"
}
