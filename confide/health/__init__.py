"""Health checks for load balancers and service managers: /healthz and /readyz."""
