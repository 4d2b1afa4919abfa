from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Camera ingest"

    def ready(self):
        from alpr.services.retention import register_purge_step
        from ingest import retention

        # RT-1: frame jobs, then edge events, after the reads (the order the purge kept).
        register_purge_step(retention.purge_frame_jobs)
        register_purge_step(retention.purge_edge_events)
