from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from accounts.dashboard import register_action_counts
        from training.selectors import dashboard_counts

        register_action_counts("training.expiring", dashboard_counts, rank=60)  # issue 21 §5
