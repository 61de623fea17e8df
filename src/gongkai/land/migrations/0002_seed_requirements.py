from django.db import migrations


def seed(apps, schema_editor):
    from gongkai.land import reference

    reference.seed(apps.get_model("land", "RequiredDisclosure"))


class Migration(migrations.Migration):
    dependencies = [("land", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
