# Issue 12: self-registered accounts confirm their email address before they log in.
# Existing accounts (made by staff, the admin or commands) count as confirmed.
# preferred_language may be empty: not chosen yet (pages follow the browser).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('housing', '0004_lessor_letterhead'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaluser',
            name='preferred_language',
            field=models.CharField(blank=True, choices=[('sl', 'Slovenian'), ('en', 'English')], default='', max_length=8, verbose_name='preferred language'),
        ),
        migrations.AlterField(
            model_name='user',
            name='preferred_language',
            field=models.CharField(blank=True, choices=[('sl', 'Slovenian'), ('en', 'English')], default='', max_length=8, verbose_name='preferred language'),
        ),
        migrations.AddField(
            model_name='historicaluser',
            name='email_verified_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, help_text='Empty until the owner opens the link emailed at registration.', null=True, verbose_name='email address confirmed'),
        ),
        migrations.AddField(
            model_name='user',
            name='email_verified_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, help_text='Empty until the owner opens the link emailed at registration.', null=True, verbose_name='email address confirmed'),
        ),
    ]
