terraform {
  required_providers {
    volcengine = {
      source = "liveops/volcengine"
    }
  }
}

# Every argument is optional. Credentials usually come from the environment
# (VOLCENGINE_ACCESS_KEY, VOLCENGINE_SECRET_KEY, VOLCENGINE_SESSION_TOKEN);
# set here, they take precedence over it.
provider "volcengine" {
  access_key    = var.access_key
  secret_key    = var.secret_key
  session_token = var.session_token

  region   = "cn-north-1"                     # VOLCENGINE_REGION
  endpoint = "https://live.volcengineapi.com" # VOLCENGINE_LIVE_ENDPOINT

  max_retries         = 8  # per API call, for server-side errors; throttling waits until the timeout
  requests_per_second = 10 # ceiling of the adaptive rate shared by every resource and data source
}

variable "access_key" {
  type    = string
  default = null
}

variable "secret_key" {
  type      = string
  sensitive = true
  default   = null
}

variable "session_token" {
  description = "STS session token, only for temporary credentials."
  type        = string
  sensitive   = true
  default     = null
}
