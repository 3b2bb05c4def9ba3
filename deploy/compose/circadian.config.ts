import { defineConfig, env } from 'circadian'

// The config the Compose set-up mounts at /config/circadian.config.ts. Nothing in it changes per
// environment: the state store comes from CIRCADIAN_STATE_URL and the token from CIRCADIAN_TOKEN (circadian.env).
export default defineConfig({
  timezone: 'UTC',
  serve: {
    // The container's stop_grace_period (compose.yaml) is longer, so running jobs get all of it.
    shutdownGrace: '30s',
    // 0.0.0.0 inside the container; compose.yaml publishes the port on the host's loopback only.
    http: {
      port: Number(env('CIRCADIAN_HTTP_PORT', { default: '8080', secret: false })),
      host: env('CIRCADIAN_HTTP_HOST', { default: '0.0.0.0', secret: false }),
    },
    token: env('CIRCADIAN_TOKEN'),
  },
  jobs: {
    // Replace with your own jobs. Each fire runs once, on whichever replica claims it first.
    heartbeat: {
      type: 'command',
      description: 'Proves the schedule runs: one line every five minutes',
      schedule: '*/5 * * * *',
      command: 'echo "alive on $HOSTNAME"',
      timeout: '30s',
    },
  },
})
