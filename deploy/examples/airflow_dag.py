"""Nightly coreset curation as one Airflow task: the pipeline file holds every stage's parameters.

Exit code 2 means bad input (the log's last `error:` line says what to fix), 1 an internal failure; either
fails the task, and nothing half-written is published (every output appears atomically).
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(dag_id="coreset_curation", start_date=datetime(2026, 1, 1), schedule="30 2 * * *", catchup=False) as dag:
    BashOperator(
        task_id="coreset_run",
        bash_command=(
            "/opt/coreset/bin/coreset-submit --master spark://spark-master:7077 --executor-memory 4g "
            "-- run --config /opt/coreset/examples/pipeline.yaml --var root=/data/coreset --var run_date={{ ds }}"
        ),
        env={"SPARK_HOME": "/opt/spark"},
        append_env=True,
    )
