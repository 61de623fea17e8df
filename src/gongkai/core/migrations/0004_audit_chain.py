# The audit hash chain, step 1: the chain head and the new columns (nullable until filled in 0005).

import django.utils.timezone
from django.db import migrations, models

GENESIS = "0" * 64


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_calendar_sequence'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_seq', models.PositiveBigIntegerField(default=0, verbose_name='最后序号')),
                ('last_hash', models.CharField(default=GENESIS, max_length=64, verbose_name='最后校验值')),
                ('anchor_seq', models.PositiveBigIntegerField(default=0, verbose_name='已清理至序号')),
                ('anchor_hash', models.CharField(default=GENESIS, max_length=64, verbose_name='已清理的最后一条的校验值')),
                ('anchor_at', models.DateTimeField(blank=True, null=True, verbose_name='已清理的最后一条的时间')),
                ('pruned_at', models.DateTimeField(blank=True, null=True, verbose_name='清理时间')),
            ],
            options={
                'verbose_name': '操作记录链',
                'verbose_name_plural': '操作记录链',
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name='序号'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='前一条的校验值'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='校验值'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='时间'),
        ),
    ]
