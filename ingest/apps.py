from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Camera ingest"

    def ready(self):
        from accounts.dashboard import register_action_counts
        from alpr.services.retention import register_purge_step
        from ingest import retention
        from ingest.health import dashboard_silence_counts

        # RT-1: frame jobs, then edge events, after the reads (the order the purge kept).
        register_purge_step(retention.purge_frame_jobs)
        register_purge_step(retention.purge_edge_events)
        # Issue 20 (CAM-1): open silent-camera alarms, for the administrator.
        register_action_counts("ingest.silent_cameras", dashboard_silence_counts, rank=16)
