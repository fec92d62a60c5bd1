# Every callback configuration of a vhost: the vhost-wide ones and those of
# each app. include_resource adds each configuration's settings to the
# results; -generate-config-out includes them anyway.
list "volcengine_live_callback" "vhost" {
  provider         = volcengine
  include_resource = true

  config {
    vhost = "push.live.example.com"
  }
}

# The configurations of a push domain. Where the API keeps a domain's
# configuration as its vhost's app-less one, that record is listed once, by
# the vhost, and the domain lists nothing of its own.
list "volcengine_live_callback" "domain" {
  provider = volcengine

  config {
    domain = "push.example.com"
  }
}
