"""Durable jobs: heavy work (exports, letters, model fits) leaves the request and runs in
`trivsel worker` on the huey queue, exactly once, surviving a worker that dies mid-job."""
